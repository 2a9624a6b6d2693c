// For the local engines' tests: a SQLite table t of numbered rows in 7 groups
// (g = i % 7, NULL for every 50th row; v = i), an output table out, and a recipe run on
// a given engine with what its log said.
#pragma once

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mortar/core/job_log.h"
#include "testing/temp_home.h"

namespace mortar::recipes {

class GroupedRowsTest : public ::testing::Test {
 protected:
  void MakeRows(int64_t count) {
    context_ = temp_.MakeContext();
    const config::Project& project = **context_->project();
    Schema schema({{"g", Type::Int64(), true}, {"v", Type::Int64(), true}});
    for (const char* name : {"t", "out"}) {
      ASSERT_TRUE(
          project
              .SaveDataset({name, "sqlite_default", "sql_table", config::Json{{"table", name}},
                            std::string(name) == "t" ? std::optional<Schema>(schema) : std::nullopt,
                            ""})
              .ok());
    }
    arrow::Int64Builder groups, values;
    for (int64_t i = 0; i < count; ++i) {
      ASSERT_TRUE((i % 50 == 0 ? groups.AppendNull() : groups.Append(i % 7)).ok());
      ASSERT_TRUE(values.Append(i).ok());
    }
    auto batch = arrow::RecordBatch::Make(
        schema.ToArrow(), count, {groups.Finish().ValueOrDie(), values.Finish().ValueOrDie()});
    auto writer = (*context_->GetDataset("t"))->OpenWriter(schema, WriteMode::kReplace);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(*batch).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }

  // Runs a recipe of `type` from `inputs` into out on `engine`; what the log said.
  std::string Run(const std::string& type, config::Json params, const Engine& engine,
                  const std::vector<std::string>& inputs = {"t"}) {
    std::string log;
    Status status = Attempt(type, std::move(params), engine, inputs, &log);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return log;
  }

  // As Run, for a run that may fail: its status, and what the log said in `log_text`.
  Status Attempt(const std::string& type, config::Json params, const Engine& engine,
                 const std::vector<std::string>& inputs, std::string* log_text) {
    config::RecipeConfig recipe;
    recipe.name = type;
    recipe.type = type;
    recipe.inputs = inputs;
    recipe.outputs = {"out"};
    recipe.params = std::move(params);
    auto log = JobLog::Create(temp_.root() / "jobs", type, false);
    EXPECT_TRUE(log.ok());
    std::vector<Dataset*> datasets;
    for (const auto& input : inputs) datasets.push_back(*context_->GetDataset(input));
    RecipeRun run{recipe, datasets, {*context_->GetDataset("out")}, **log};
    Status status = engine.Run(run);
    std::ifstream file((*log)->path());
    std::stringstream text;
    text << file.rdbuf();
    *log_text = text.str();
    return status;
  }

  // The rows of out in their order, each as its (integer) cells joined by '|'.
  std::vector<std::string> OutputRows() {
    std::vector<std::string> rows;
    auto reader = (*context_->GetDataset("out"))->Read(ReadOptions{});
    EXPECT_TRUE(reader.ok());
    while (reader.ok()) {
      auto batch = (*reader)->Next();
      if (!batch.ok() || !*batch) break;
      for (int64_t r = 0; r < (*batch)->num_rows(); ++r) {
        std::string row;
        for (const auto& column : (*batch)->columns()) {
          const auto& values = static_cast<const arrow::Int64Array&>(*column);
          row += (row.empty() ? "" : "|") +
                 (values.IsNull(r) ? std::string("null") : std::to_string(values.Value(r)));
        }
        rows.push_back(std::move(row));
      }
    }
    return rows;
  }

  testing::TempHome temp_;
  std::unique_ptr<Context> context_;
};

}  // namespace mortar::recipes
