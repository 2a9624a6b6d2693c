#include "mortar/charts/chart.h"

#include <cairo.h>
#include <gtest/gtest.h>

#include <cstring>

#include "mortar/flow/flow.h"
#include "testing/temp_home.h"

namespace mortar::charts {
namespace {

using Json = config::Json;

ChartSpec Parse(const Json& json) {
  auto spec = ChartSpec::FromJson(json, "charts/c.json");
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return spec.ok() ? *spec : ChartSpec{};
}

Schema Orders() {
  return Schema({{"day", Type::Date()}, {"amount", Type::Double()}, {"country", Type::String()}});
}

TEST(ChartTest, OneAggregationQueryPerDialect) {
  ChartSpec spec =
      Parse({{"name", "c"},
             {"dataset", "orders"},
             {"type", "line"},
             {"dimensions", {{{"column", "day"}, {"bin", "month"}}}},
             {"measures", {{{"function", "count"}}, {{"column", "amount"}, {"function", "sum"}}}},
             {"filters", {"amount > 0"}}});
  EXPECT_EQ(*spec.ToSql(sql::SqliteDialect(), "\"orders\"", Orders()),
            "SELECT\n  strftime('%Y-%m', \"day\") AS \"d0\",\n  COUNT(*) AS \"m0\",\n"
            "  SUM(\"amount\") AS \"m1\"\nFROM \"orders\"\nWHERE (\"amount\" > 0)\n"
            "GROUP BY strftime('%Y-%m', \"day\")\nORDER BY \"d0\" ASC NULLS LAST\nLIMIT 1001");
  EXPECT_EQ(*spec.ToSql(sql::DatabricksDialect(), "`orders`", Orders()),
            "SELECT\n  date_format(trunc(`day`, 'MM'), 'yyyy-MM') AS `d0`,\n  COUNT(*) AS `m0`,\n"
            "  SUM(`amount`) AS `m1`\nFROM `orders`\nWHERE (`amount` > 0)\n"
            "GROUP BY trunc(`day`, 'MM')\nORDER BY `d0` ASC NULLS LAST\nLIMIT 1001");
  EXPECT_EQ(spec.Labels(), (std::vector<std::string>{"day (month)", "count", "sum(amount)"}));
}

TEST(ChartTest, NumberBinsSortAndLimit) {
  ChartSpec spec = Parse({{"name", "h"},
                          {"dataset", "orders"},
                          {"type", "histogram"},
                          {"dimensions", {{{"column", "amount"}, {"bin", 2.5}}}},
                          {"sort", {{"by", "measure"}, {"descending", true}}},
                          {"limit", 3}});
  EXPECT_EQ(*spec.ToSql(sql::SqliteDialect(), "\"orders\"", Orders()),
            "SELECT\n  FLOOR(CAST(\"amount\" AS DOUBLE) / 2.5) * 2.5 AS \"d0\",\n  COUNT(*) AS "
            "\"m0\"\nFROM \"orders\"\nGROUP BY FLOOR(CAST(\"amount\" AS DOUBLE) / 2.5) * 2.5\n"
            "ORDER BY \"m0\" DESC NULLS LAST\nLIMIT 3");
}

TEST(ChartTest, BadDefinitionsSayWhatIsWrong) {
  auto error = [](const Json& json) {
    auto spec = ChartSpec::FromJson(json, "charts/c.json");
    return spec.ok() ? std::string("ok") : spec.status().message();
  };
  Json base = {{"name", "c"}, {"dataset", "orders"}, {"dimensions", {{{"column", "amount"}}}}};
  Json histogram = base;
  histogram["type"] = "histogram";
  EXPECT_EQ(error(histogram),
            "charts/c.json: field 'dimensions': a histogram bins its dimension: give \"bin\": "
            "<width>");
  Json limit = base;
  limit["limit"] = 5000;
  EXPECT_EQ(error(limit), "charts/c.json: field 'limit': must be between 1 and max_bins (1000)");
  Json sample = base;
  sample["sample_rows"] = 100'000'000'000;
  EXPECT_EQ(error(sample),
            "charts/c.json: field 'sample_rows': must be between 1 and 10000000 (a larger chart "
            "runs live, on a database)");
  Json bin = base;
  bin["dimensions"][0]["bin"] = "week";
  EXPECT_EQ(error(bin),
            "charts/c.json: field 'dimensions[0].bin': expected a positive bin width, or year, "
            "month, day or hour");
  ChartSpec spec = Parse(base);
  spec.dimensions[0].date_bin = sql::DatePart::kDay;
  EXPECT_EQ(spec.ToSql(sql::SqliteDialect(), "t", Orders()).status().message(),
            "charts/c.json: type mismatch: date bins need a date or timestamp; 'amount' is double");
  spec.dimensions[0] = Dimension{"nope"};
  EXPECT_NE(spec.ToSql(sql::SqliteDialect(), "t", Orders())
                .status()
                .message()
                .find("unknown column 'nope'"),
            std::string::npos);
}

// A table of 50 orders in SQLite and the same rows as a CSV file.
void WriteOrders(testing::TempHome& temp, Context& context) {
  std::string csv = "day,amount,country\n";
  for (int i = 0; i < 50; ++i) {
    csv += "2024-0" + std::to_string(1 + i % 3) + "-1" + std::to_string(i % 10) + "," +
           std::to_string(i) + ".5," + (i % 2 == 0 ? "fr" : "<no>") + "\n";
  }
  temp.WriteFile("files/orders.csv", csv);
  const config::Project& project = **context.project();
  Schema schema = Orders();
  ASSERT_TRUE(project
                  .SaveDataset({"orders_csv", "filesystem_default", "files",
                                Json{{"path", "orders.csv"}}, schema, ""})
                  .ok());
  ASSERT_TRUE(project
                  .SaveDataset({"orders", "sqlite_default", "sql_table", Json{{"table", "orders"}},
                                schema, ""})
                  .ok());
  auto source = context.GetDataset("orders_csv");
  auto target = context.GetDataset("orders");
  ASSERT_TRUE(source.ok() && target.ok());
  auto reader = (*source)->Read(ReadOptions{});
  ASSERT_TRUE(reader.ok());
  auto writer = (*target)->OpenWriter(schema, WriteMode::kReplace);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(CopyBatches(**reader, **writer, nullptr).ok());
}

TEST(ChartTest, LiveInTheDatabaseLocalOnFilesAndTheBinLimit) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  WriteOrders(temp, *context);
  Json json = {
      {"name", "by_country"},
      {"dataset", "orders"},
      {"type", "bar"},
      {"dimensions", {{{"column", "country"}}}},
      {"measures", {{{"function", "count"}}, {{"column", "amount"}, {"function", "max"}}}}};
  auto live = ComputeChart(*context, Parse(json), temp.root());
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  EXPECT_EQ(live->engine, "live");
  ASSERT_EQ(live->rows.size(), 2u);
  EXPECT_EQ(live->rows[0], (std::vector<Json>{"<no>", 25, 49.5}));
  EXPECT_EQ(live->rows[1], (std::vector<Json>{"fr", 25, 48.5}));

  json["dataset"] = "orders_csv";
  auto local = ComputeChart(*context, Parse(json), temp.root());
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(local->engine, "local (the first 50 rows)");
  EXPECT_EQ(local->rows, live->rows);

  std::string svg = RenderSvg(Parse(json), *live);
  std::size_t bars = 0;
  for (std::size_t at = svg.find("<rect x="); at != std::string::npos;
       at = svg.find("<rect x=", at + 1))
    ++bars;
  EXPECT_EQ(bars, 2u);
  EXPECT_NE(svg.find("&lt;no&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("<no>"), std::string::npos);

  json["dataset"] = "orders";
  json["dimensions"] = {{{"column", "day"}, {"bin", "day"}}};
  json["max_bins"] = 20;
  auto too_many = ComputeChart(*context, Parse(json), temp.root());
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.status().message(),
            "charts/c.json: the chart has more than 20 bins (the bin limit); use coarser bins, a "
            "filter or a limit, or raise max_bins");
  json["dimensions"][0]["bin"] = "month";
  auto months = ComputeChart(*context, Parse(json), temp.root());
  ASSERT_TRUE(months.ok()) << months.status().ToString();
  EXPECT_EQ(months->rows.size(), 3u);
  EXPECT_EQ(months->rows[0][0], "2024-01");
  EXPECT_EQ(months->rows[0][1], 17);
}

// Sorted by a decimal measure on SQLite: by its value, not by its text ("9.00" after
// "10.00"), though an aggregate's result carries no collation.
TEST(ChartTest, SortedByADecimalMeasureByItsValue) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  Schema schema({{"shop", Type::String(), true}, {"amount", *Type::Decimal(10, 2), true}});
  ASSERT_TRUE((*context->project())
                  ->SaveDataset({"sales", "sqlite_default", "sql_table", Json{{"table", "sales"}},
                                 schema, ""})
                  .ok());
  SqlConnection* sql = (*context->GetConnection("sqlite_default"))->AsSql();
  ASSERT_TRUE(sql->Execute(sql->dialect().CreateTable({"", "", "sales"}, schema)).ok());
  ASSERT_TRUE(sql->Execute("INSERT INTO sales VALUES ('big', '6.00'), ('big', '4.00'), "
                           "('small', '9.00'), ('mid', '9.50')")
                  .ok());
  Json json = {{"name", "by_shop"},
               {"dataset", "sales"},
               {"type", "bar"},
               {"dimensions", {{{"column", "shop"}}}},
               {"measures", {{{"column", "amount"}, {"function", "sum"}}}},
               {"sort", {{"by", "measure"}, {"descending", true}}}};
  auto chart = ComputeChart(*context, Parse(json), temp.root());
  ASSERT_TRUE(chart.ok()) << chart.status().ToString();
  ASSERT_EQ(chart->rows.size(), 3u);
  EXPECT_EQ(chart->rows[0][0], "big");  // 10.00
  EXPECT_EQ(chart->rows[1][0], "mid");  // 9.50
  EXPECT_EQ(chart->rows[2][0], "small");
}

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++count;
  return count;
}

TEST(ChartTest, EveryTypeDrawsItsShapes) {
  ChartData data;
  data.columns = {"x", "count"};
  data.rows = {{1, 5}, {2, 3}, {4, "7.5"}};
  auto render = [&](const std::string& type) {
    Json json = {{"name", "c"},
                 {"dataset", "d"},
                 {"type", type},
                 {"dimensions", {{{"column", "x"}, {"bin", 1}}}}};
    return RenderSvg(Parse(json), data);
  };
  EXPECT_EQ(Count(render("bar"), "<rect x="), 3u);
  EXPECT_EQ(Count(render("histogram"), "<rect x="), 3u);
  EXPECT_EQ(Count(render("line"), "<polyline"), 1u);
  EXPECT_EQ(Count(render("area"), "<polygon"), 1u);
  EXPECT_EQ(Count(render("pie"), "<path"), 3u);
  EXPECT_EQ(Count(render("scatter"), "<circle"), 3u);
  std::string table = render("pivot_table");
  EXPECT_NE(table.find(">count</text>"), std::string::npos);
  EXPECT_NE(table.find(">7.5</text>"), std::string::npos);
  data.rows.clear();
  EXPECT_NE(render("bar").find(">no data</text>"), std::string::npos);
}

// Sums of doubles carry binary noise: the axis ticks are round and the values read as
// people write them.
TEST(ChartTest, AxesTickRoundNumbersAndValuesCarryNoNoise) {
  ChartData data;
  data.columns = {"region", "amount"};
  data.rows = {{"n", 24364.949999999997}, {"s", 14747.4}, {"e", 22121}};
  Json json = {
      {"name", "c"}, {"dataset", "d"}, {"type", "bar"}, {"dimensions", {{{"column", "region"}}}}};
  std::string svg = RenderSvg(Parse(json), data);
  for (const char* tick : {">0</text>", ">5,000</text>", ">10,000</text>", ">25,000</text>"}) {
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  }
  EXPECT_NE(svg.find("n: 24,364.95</title>"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("24364.9"), std::string::npos);
  EXPECT_EQ(svg.find(">14747.4"), std::string::npos);
  json["type"] = "pie";
  EXPECT_NE(RenderSvg(Parse(json), data).find(">s: 14,747.4</text>"), std::string::npos);
}

TEST(ChartTest, PngIsTheSvgDrawnInPixels) {
  ChartData data;
  data.columns = {"x", "count"};
  data.rows = {{1, 5}, {2, 3}};
  Json json = {
      {"name", "c"}, {"dataset", "d"}, {"type", "bar"}, {"dimensions", {{{"column", "x"}}}}};
  auto png = RenderPng(RenderSvg(Parse(json), data), 2);
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  // Read it back and count the pixels in the first bar colour (#4e79a7).
  std::size_t offset = 0;
  auto read = [](void* closure, unsigned char* out, unsigned int length) {
    auto* state = static_cast<std::pair<const std::string*, std::size_t*>*>(closure);
    if (*state->second + length > state->first->size()) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(out, state->first->data() + *state->second, length);
    *state->second += length;
    return CAIRO_STATUS_SUCCESS;
  };
  std::pair<const std::string*, std::size_t*> state{&*png, &offset};
  cairo_surface_t* image = cairo_image_surface_create_from_png_stream(read, &state);
  ASSERT_EQ(cairo_surface_status(image), CAIRO_STATUS_SUCCESS);
  EXPECT_EQ(cairo_image_surface_get_width(image), 1440);
  EXPECT_EQ(cairo_image_surface_get_height(image), 840);
  const unsigned char* pixels = cairo_image_surface_get_data(image);
  int stride = cairo_image_surface_get_stride(image);
  int bar_pixels = 0;
  for (int y = 0; y < 840; ++y) {
    for (int x = 0; x < 1440; ++x) {
      uint32_t pixel;
      std::memcpy(&pixel, pixels + y * stride + x * 4, 4);
      if ((pixel & 0xffffff) == 0x4e79a7) ++bar_pixels;
    }
  }
  cairo_surface_destroy(image);
  EXPECT_GT(bar_pixels, 10000);
  EXPECT_FALSE(RenderPng("<svg", 1).ok());
  EXPECT_FALSE(RenderPng(RenderSvg(Parse(json), data), 0).ok());
}

TEST(ChartTest, CachedUntilTheDatasetChanges) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  WriteOrders(temp, *context);
  const config::Project& project = **context->project();
  Json json = {
      {"name", "by_country"}, {"dataset", "orders_csv"}, {"dimensions", {{{"column", "country"}}}}};
  auto first = ComputeChart(*context, Parse(json), temp.root());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->cached);
  auto again = ComputeChart(*context, Parse(json), temp.root());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->cached);
  EXPECT_EQ(again->rows, first->rows);
  EXPECT_EQ(again->engine, first->engine);
  // A changed source file is charted afresh.
  temp.WriteFile("files/orders.csv", "day,amount,country\n2024-01-01,1.5,fr\n");
  auto changed = ComputeChart(*context, Parse(json), temp.root());
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(changed->cached);
  EXPECT_EQ(changed->rows, (std::vector<std::vector<Json>>{{"fr", 1}}));

  // A table written outside Mortar's recipes is never served from the cache...
  json["dataset"] = "orders";
  ASSERT_TRUE(ComputeChart(*context, Parse(json), temp.root()).ok());
  EXPECT_FALSE(ComputeChart(*context, Parse(json), temp.root())->cached);
  // ...but one a recipe writes is, until the recipe runs again.
  ASSERT_TRUE(project
                  .SaveRecipe(*config::RecipeConfig::FromJson({{"name", "load"},
                                                               {"type", "sync"},
                                                               {"inputs", {"orders_csv"}},
                                                               {"outputs", {"orders"}}},
                                                              "load.json"))
                  .ok());
  auto flow = Flow::Load(project);
  ASSERT_TRUE(flow.ok());
  JobLog log;
  ASSERT_TRUE(flow->RunRecipe(*context, "load", log).ok());
  EXPECT_FALSE(ComputeChart(*context, Parse(json), temp.root())->cached);
  auto cached = ComputeChart(*context, Parse(json), temp.root());
  ASSERT_TRUE(cached.ok());
  EXPECT_TRUE(cached->cached);
  EXPECT_EQ(cached->rows, changed->rows);
  ASSERT_TRUE(flow->RunRecipe(*context, "load", log).ok());
  EXPECT_FALSE(ComputeChart(*context, Parse(json), temp.root())->cached);
}

}  // namespace
}  // namespace mortar::charts
