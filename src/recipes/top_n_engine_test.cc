#include "recipes/top_n_engine.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "mortar/core/job_log.h"
#include "testing/temp_home.h"

namespace mortar::recipes {
namespace {

using Json = config::Json;

// 300,000 rows (five of the SQLite reader's batches) in 7 groups (g = i % 7, NULL for
// every 50th row), v = i, in the SQLite table t; the output goes to the table out.
constexpr int64_t kRows = 300000;

class LocalTopNEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = temp_.MakeContext();
    const config::Project& project = **context_->project();
    Schema schema({{"g", Type::Int64(), true}, {"v", Type::Int64(), true}});
    for (const char* name : {"t", "out"}) {
      ASSERT_TRUE(
          project
              .SaveDataset({name, "sqlite_default", "sql_table", Json{{"table", name}},
                            std::string(name) == "t" ? std::optional<Schema>(schema) : std::nullopt,
                            ""})
              .ok());
    }
    arrow::Int64Builder groups, values;
    for (int64_t i = 0; i < kRows; ++i) {
      ASSERT_TRUE((i % 50 == 0 ? groups.AppendNull() : groups.Append(i % 7)).ok());
      ASSERT_TRUE(values.Append(i).ok());
    }
    auto batch = arrow::RecordBatch::Make(
        schema.ToArrow(), kRows, {groups.Finish().ValueOrDie(), values.Finish().ValueOrDie()});
    auto writer = (*context_->GetDataset("t"))->OpenWriter(schema, WriteMode::kReplace);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(*batch).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }

  // Runs top N (per g, by v descending, with a rank) on the engine; returns what the log
  // said, and the output's rows as "g|v|rank" by group.
  std::string Run(int64_t n, TopNBounds bounds,
                  std::map<std::string, std::vector<std::string>>* rows) {
    config::RecipeConfig recipe;
    recipe.name = "top";
    recipe.type = "top_n";
    recipe.inputs = {"t"};
    recipe.outputs = {"out"};
    recipe.params = Json{{"n", n},
                         {"partition_by", {"g"}},
                         {"order_by", {{{"column", "v"}, {"descending", true}}}},
                         {"rank_column", "rank"}};
    auto log = JobLog::Create(temp_.root() / "jobs", "top", false);
    EXPECT_TRUE(log.ok());
    RecipeRun run{recipe, {*context_->GetDataset("t")}, {*context_->GetDataset("out")}, **log};
    auto engine = MakeLocalTopNEngine(MakeTopNRecipe(), bounds);
    Status status = engine->Run(run);
    EXPECT_TRUE(status.ok()) << status.ToString();
    auto reader = (*context_->GetDataset("out"))->Read(ReadOptions{});
    EXPECT_TRUE(reader.ok());
    while (reader.ok()) {
      auto batch = (*reader)->Next();
      if (!batch.ok() || !*batch) break;
      const auto& g = static_cast<const arrow::Int64Array&>(*(*batch)->column(0));
      const auto& v = static_cast<const arrow::Int64Array&>(*(*batch)->column(1));
      const auto& rank = static_cast<const arrow::Int64Array&>(*(*batch)->column(2));
      for (int64_t r = 0; r < (*batch)->num_rows(); ++r) {
        std::string group = g.IsNull(r) ? "null" : std::to_string(g.Value(r));
        (*rows)[group].push_back(std::to_string(v.Value(r)) + "#" + std::to_string(rank.Value(r)));
      }
    }
    for (auto& [group, values] : *rows) std::sort(values.begin(), values.end());
    std::ifstream file((*log)->path());
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  testing::TempHome temp_;
  std::unique_ptr<Context> context_;
};

TEST_F(LocalTopNEngineTest, KeepsEachGroupsFirstRowsAcrossManyCuts) {
  std::map<std::string, std::vector<std::string>> rows;
  // A cut after every batch read: the kept rows must survive each one.
  std::string log = Run(3, TopNBounds{100, 500}, &rows);
  EXPECT_EQ(log.find("scratch database"), std::string::npos) << log;
  EXPECT_EQ(rows.size(), 8u);  // the groups 0 to 6, and NULL
  for (int64_t group = 0; group < 7; ++group) {
    std::vector<std::string> expected;
    int64_t rank = 0;
    for (int64_t i = kRows - 1; i >= 0 && rank < 3; --i) {
      if (i % 50 != 0 && i % 7 == group)
        expected.push_back(std::to_string(i) + "#" + std::to_string(++rank));
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(rows[std::to_string(group)], expected) << "group " << group;
  }
  // NULL is a group of its own: 0, 50, ..., 299950.
  EXPECT_EQ(rows["null"], (std::vector<std::string>{"299850#3", "299900#2", "299950#1"}));
}

TEST_F(LocalTopNEngineTest, MoreRowsToKeepThanItsBoundGoToTheScratchDatabase) {
  std::map<std::string, std::vector<std::string>> rows;
  std::string log = Run(1000, TopNBounds{100, 150}, &rows);
  EXPECT_NE(log.find("running on the scratch database instead"), std::string::npos) << log;
  std::size_t total = 0;
  for (const auto& [group, values] : rows) total += values.size();
  EXPECT_EQ(total, 8000u);  // 1,000 in each of the 8 groups
  EXPECT_EQ(rows["null"].size(), 1000u);
}

}  // namespace
}  // namespace mortar::recipes
