// Runs every recipe case under test/sql/ on each engine that can run it (SQLite
// in-database, and the local engine) and checks that all give the expected rows
// (or the expected error), and, where a case gives it, the exact SQL per dialect
// (Databricks' compiled without a server). tests/integration/test_recipe_cases.py
// runs the same cases on the stand-in's Spark.
#include <arrow/api.h>
#include <gtest/gtest.h>

#include <cmath>

#include "mortar/core/cell_text.h"
#include "mortar/core/text_conversion.h"
#include "mortar/flow/flow.h"
#include "recipes/visual_recipe.h"
#include "testing/temp_home.h"

namespace mortar {
namespace {

namespace fs = std::filesystem;
using Json = config::Json;

std::vector<fs::path> CaseFiles() {
  std::vector<fs::path> files;
  fs::path root = fs::path(MORTAR_SOURCE_DIR) / "test" / "sql";
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Values normalised for comparison: doubles to 9 significant digits.
std::string Normalise(const Json& value) {
  if (value.is_number_float()) {
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%.9g", value.get<double>());
    return buffer;
  }
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::vector<std::string> NormaliseRows(const Json& rows, bool sort = true) {
  std::vector<std::string> out;
  for (const auto& row : rows) {
    std::string line;
    for (const auto& cell : row) line += Normalise(cell) + "|";
    out.push_back(line);
  }
  if (sort) std::sort(out.begin(), out.end());
  return out;
}

Status LoadInput(Context& context, const config::Project& project, const std::string& name,
                 const Json& input, const std::string& file) {
  config::ConfigObject object(input, file, "inputs." + name);
  MORTAR_ASSIGN_OR_RETURN(Schema schema, config::SchemaFromJson(object, "schema"));
  config::DatasetConfig dataset{name, "sqlite_default", "sql_table", Json{{"table", name}}, schema,
                                file};
  MORTAR_RETURN_IF_ERROR(project.SaveDataset(dataset));
  // Rows are given as JSON and converted through text, the way CSV values are.
  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (std::size_t c = 0; c < schema.size(); ++c) {
    arrow::StringBuilder text;
    for (const auto& row : input["rows"]) {
      const Json& cell = row[c];
      (void)(cell.is_null()
                 ? text.AppendNull()
                 : text.Append(cell.is_string() ? cell.get<std::string>() : cell.dump()));
    }
    std::shared_ptr<arrow::Array> strings = text.Finish().ValueOrDie();
    MORTAR_ASSIGN_OR_RETURN(
        auto column, ConvertText(*strings, schema[c].type, TextOrigin{file, schema[c].name, 1}));
    columns.push_back(column);
  }
  MORTAR_ASSIGN_OR_RETURN(Dataset * target, context.GetDataset(name));
  MORTAR_ASSIGN_OR_RETURN(auto writer, target->OpenWriter(schema, WriteMode::kReplace));
  auto batch = arrow::RecordBatch::Make(schema.ToArrow(),
                                        static_cast<int64_t>(input["rows"].size()), columns);
  MORTAR_RETURN_IF_ERROR(writer->Write(*batch));
  return writer->Commit();
}

Result<Json> ReadRows(Dataset& dataset) {
  MORTAR_ASSIGN_OR_RETURN(auto reader, dataset.Read(ReadOptions{}));
  Json rows = Json::array();
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
    if (!batch) break;
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      Json row = Json::array();
      for (int c = 0; c < batch->num_columns(); ++c)
        row.push_back(Json::parse(CellToJson(*batch->column(c), r)));
      rows.push_back(row);
    }
  }
  return rows;
}

// The outputs a case expects: "outputs" {name: {columns, rows, ordered}} or, for one
// output named "result", "expected".
std::vector<std::pair<std::string, Json>> ExpectedOutputs(const Json& test) {
  std::vector<std::pair<std::string, Json>> outputs;
  if (test.contains("outputs")) {
    for (const auto& [name, expected] : test["outputs"].items())
      outputs.emplace_back(name, expected);
  } else if (test.contains("expected")) {
    outputs.emplace_back("result", test["expected"]);
  } else {
    outputs.emplace_back("result", Json());
  }
  return outputs;
}

// The SQL the recipe compiles to on Databricks, reading each input from a table of
// its name (as the SQLite run does).
Result<std::string> DatabricksSql(const Json& test, const config::RecipeConfig& recipe,
                                  const std::string& file) {
  std::vector<recipes::SqlInput> inputs;
  for (const auto& name : recipe.inputs) {
    config::ConfigObject object(test["inputs"][name], file, "inputs." + name);
    MORTAR_ASSIGN_OR_RETURN(Schema schema, config::SchemaFromJson(object, "schema"));
    inputs.push_back({name, sql::DatabricksDialect().QuoteIdentifier(name), schema});
  }
  for (const auto& visual : recipes::BuiltinVisualRecipes()) {
    if (visual->name() != recipe.type) continue;
    MORTAR_ASSIGN_OR_RETURN(auto outputs,
                            visual->Compile(recipe, sql::DatabricksDialect(), inputs));
    return recipes::ExplainText(outputs, recipe.outputs);
  }
  return Status::NotFound("no visual recipe of type " + recipe.type);
}

class RecipeCaseTest : public ::testing::TestWithParam<fs::path> {};

TEST_P(RecipeCaseTest, EveryEngineGivesTheExpectedRows) {
  auto json = config::ReadJsonFile(GetParam());
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  const Json& test = *json;
  const std::string file = GetParam().filename().string();
  auto expected_outputs = ExpectedOutputs(test);
  for (const char* engine : {"in-database", "local"}) {
    SCOPED_TRACE(std::string(file) + " on the " + engine + " engine");
    testing::TempHome temp;
    auto context = temp.MakeContext();
    const config::Project& project = **context->project();
    for (const auto& [name, input] : test["inputs"].items()) {
      Status loaded = LoadInput(*context, project, name, input, file);
      ASSERT_TRUE(loaded.ok()) << loaded.ToString();
    }
    Json recipe_json = test["recipe"];
    recipe_json["name"] = "case";
    recipe_json["outputs"] = Json::array();
    for (const auto& [name, expected] : expected_outputs) {
      ASSERT_TRUE(project
                      .SaveDataset({name, "sqlite_default", "sql_table", Json{{"table", name}},
                                    std::nullopt, ""})
                      .ok());
      recipe_json["outputs"].push_back(name);
    }
    recipe_json["engine"] = engine;
    auto recipe = config::RecipeConfig::FromJson(recipe_json, file);
    ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
    ASSERT_TRUE(project.SaveRecipe(*recipe).ok());
    auto flow = Flow::Load(project);
    ASSERT_TRUE(flow.ok());
    JobLog log;
    if (std::string(engine) == "in-database" && test.contains("expected_sql")) {
      const Json& expected_sql = test["expected_sql"];
      if (expected_sql.contains("sqlite")) {
        RecipeRun run{*recipe, {}, {}, log};
        for (const auto& input : recipe->inputs) run.inputs.push_back(*context->GetDataset(input));
        for (const auto& output : recipe->outputs)
          run.outputs.push_back(*context->GetDataset(output));
        auto chosen = ChooseEngine(context->registry(), run);
        ASSERT_TRUE(chosen.ok()) << chosen.status().ToString();
        auto sql = chosen->engine->Explain(run);
        ASSERT_TRUE(sql.ok()) << sql.status().ToString();
        EXPECT_EQ(*sql, expected_sql["sqlite"].get<std::string>());
      }
      if (expected_sql.contains("databricks")) {
        auto sql = DatabricksSql(test, *recipe, file);
        ASSERT_TRUE(sql.ok()) << sql.status().ToString();
        EXPECT_EQ(*sql, expected_sql["databricks"].get<std::string>());
      }
    }
    auto outcome = flow->RunRecipe(*context, "case", log);
    if (test.contains("expected_error")) {
      ASSERT_FALSE(outcome.ok()) << "the recipe ran, but should fail with: "
                                 << test["expected_error"].get<std::string>();
      EXPECT_NE(outcome.status().message().find(test["expected_error"].get<std::string>()),
                std::string::npos)
          << outcome.status().ToString();
      continue;
    }
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_EQ(outcome->engine, engine);
    for (const auto& [name, expected] : expected_outputs) {
      SCOPED_TRACE("output " + name);
      context->ForgetDataset(name);
      auto result = context->GetDataset(name);
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      auto schema = (*result)->schema();
      ASSERT_TRUE(schema.ok());
      std::vector<std::string> expected_columns = expected["columns"];
      EXPECT_EQ(schema->Names(), expected_columns);
      auto rows = ReadRows(**result);
      ASSERT_TRUE(rows.ok()) << rows.status().ToString();
      if (expected.value("ordered", false)) {
        EXPECT_EQ(NormaliseRows(*rows, false), NormaliseRows(expected["rows"], false));
      } else {
        EXPECT_EQ(NormaliseRows(*rows), NormaliseRows(expected["rows"]));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, RecipeCaseTest, ::testing::ValuesIn(CaseFiles()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string name = info.param.parent_path().filename().string() + "_" +
                                              info.param.stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace mortar
