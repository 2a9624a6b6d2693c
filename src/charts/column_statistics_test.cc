#include "mortar/charts/column_statistics.h"

#include <gtest/gtest.h>

#include "testing/temp_home.h"

namespace mortar::charts {
namespace {

using Json = config::Json;

// Money amounts a double cannot hold, so that minimum and maximum are exact and in
// numeric order (as text, "2.50" would sort after "12345...").
void WriteAmounts(testing::TempHome& temp, Context& context) {
  temp.WriteFile("files/amounts.csv",
                 "amount,who,tags\n12345678901234567890.12,ann,\n2.50,cy,\n-7.25,ann,\n,,\n");
  auto money = Type::Decimal(28, 2);
  ASSERT_TRUE(money.ok());
  Schema schema({{"amount", *money}, {"who", Type::String()}, {"tags", Type::Binary()}});
  const config::Project& project = **context.project();
  ASSERT_TRUE(project
                  .SaveDataset({"amounts_csv", "filesystem_default", "files",
                                Json{{"path", "amounts.csv"}}, schema, ""})
                  .ok());
  ASSERT_TRUE(project
                  .SaveDataset({"amounts", "sqlite_default", "sql_table",
                                Json{{"table", "amounts"}}, schema, ""})
                  .ok());
  auto source = context.GetDataset("amounts_csv");
  auto target = context.GetDataset("amounts");
  ASSERT_TRUE(source.ok() && target.ok());
  auto reader = (*source)->Read(ReadOptions{});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto writer = (*target)->OpenWriter(schema, WriteMode::kReplace);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(CopyBatches(**reader, **writer, nullptr).ok());
}

TEST(ColumnStatisticsTest, ExactInTheDatabaseAndLocallyForFiles) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  WriteAmounts(temp, *context);
  for (const char* dataset : {"amounts", "amounts_csv"}) {
    auto statistics = ComputeStatistics(*context, dataset, temp.root(), 2);
    ASSERT_TRUE(statistics.ok()) << dataset << ": " << statistics.status().ToString();
    EXPECT_EQ(statistics->engine, std::string(dataset) == "amounts" ? "in-database" : "local");
    EXPECT_EQ(statistics->rows, 4);
    ASSERT_EQ(statistics->columns.size(), 3u);
    const ColumnStatistics& amount = statistics->columns[0];
    EXPECT_EQ(amount.nulls, 1) << dataset;
    EXPECT_EQ(amount.distinct, 3);
    EXPECT_EQ(amount.min, "-7.25") << dataset;
    EXPECT_EQ(amount.max, "12345678901234567890.12") << dataset;
    const ColumnStatistics& who = statistics->columns[1];
    ASSERT_EQ(who.top.size(), 2u);
    EXPECT_EQ(who.top[0], (std::pair<std::optional<std::string>, int64_t>{"ann", 2}));
    // Binary columns: counted, neither ordered nor grouped.
    const ColumnStatistics& tags = statistics->columns[2];
    EXPECT_FALSE(tags.distinct || tags.min || tags.max);
    EXPECT_TRUE(tags.top.empty());
    Json json = StatisticsJson(*statistics);
    EXPECT_EQ(json["columns"][0]["max"], "12345678901234567890.12");
    EXPECT_TRUE(json["columns"][2]["distinct"].is_null());
  }
}

}  // namespace
}  // namespace mortar::charts
