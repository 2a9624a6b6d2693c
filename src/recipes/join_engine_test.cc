// The join recipe's local hash join against the rows it must give, and its fallback to
// the scratch database when the second input passes its bound.
#include "recipes/join_engine.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "recipes/grouped_rows_fixture.h"

namespace mortar::recipes {
namespace {

using Json = config::Json;

constexpr int64_t kRows = 30000;

// t (g = i % 7, NULL every 50th row; v = i) joined with `names`: g 0 to 5 once each,
// g 3 a second time, and a row with a NULL g.
class LocalJoinEngineTest : public GroupedRowsTest {
 protected:
  void SetUp() override {
    MakeRows(kRows);
    WriteNames("names", {{0, 100},
                         {1, 101},
                         {2, 102},
                         {3, 103},
                         {4, 104},
                         {5, 105},
                         {3, 200},
                         {std::nullopt, 300}});
  }

  // A dataset (g, name) of `rows` on SQLite.
  void WriteNames(const std::string& dataset,
                  const std::vector<std::pair<std::optional<int64_t>, int64_t>>& rows) {
    Schema schema({{"g", Type::Int64(), true}, {"name", Type::Int64(), true}});
    ASSERT_TRUE((**context_->project())
                    .SaveDataset({dataset, "sqlite_default", "sql_table", Json{{"table", dataset}},
                                  schema, ""})
                    .ok());
    arrow::Int64Builder groups, names;
    for (const auto& [g, name] : rows) {
      ASSERT_TRUE((g ? groups.Append(*g) : groups.AppendNull()).ok());
      ASSERT_TRUE(names.Append(name).ok());
    }
    auto batch =
        arrow::RecordBatch::Make(schema.ToArrow(), static_cast<int64_t>(rows.size()),
                                 {groups.Finish().ValueOrDie(), names.Finish().ValueOrDie()});
    auto writer = (*context_->GetDataset(dataset))->OpenWriter(schema, WriteMode::kReplace);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(*batch).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }

  // Every row the join must give, as "g|v|name", sorted.
  static std::vector<std::string> Expected(bool left) {
    std::vector<std::string> rows;
    for (int64_t i = 0; i < kRows; ++i) {
      bool null = i % 50 == 0;
      std::string g = null ? "null" : std::to_string(i % 7);
      std::string prefix = g + "|" + std::to_string(i) + "|";
      if (!null && i % 7 < 6) rows.push_back(prefix + std::to_string(100 + i % 7));
      if (!null && i % 7 == 3) rows.push_back(prefix + "200");
      if (left && (null || i % 7 == 6)) rows.push_back(prefix + "null");
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  std::vector<std::string> SortedOutput() {
    auto rows = OutputRows();
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  std::string RunJoin(const std::string& type, const Engine& engine) {
    return Run("join", Params(type), engine, {"t", "names"});
  }

  static Json Params(const std::string& type) {
    return Json{{"joins", {{{"type", type}, {"on", {{{"left", "g"}, {"right", "g"}}}}}}},
                {"select", {{{"input", "t"}}, {{"input", "names"}, {"columns", {"name"}}}}}};
  }
};

TEST_F(LocalJoinEngineTest, InnerAndLeftJoinsMatchAsSqlDoes) {
  for (const std::string type : {"inner", "left"}) {
    auto engine = MakeLocalJoinEngine(MakeJoinRecipe(), JoinBounds{1 << 20, 1000});
    std::string log = RunJoin(type, *engine);
    EXPECT_EQ(log.find("scratch"), std::string::npos) << log;
    EXPECT_EQ(SortedOutput(), Expected(type == "left")) << type;
  }
}

// `codes`: every g from 0 to 6 once. A left join then keeps each row of t once, in
// order (its columns sliced from t's batches, not copied); an inner join drops the
// rows of NULL g, leaving gaps.
TEST_F(LocalJoinEngineTest, RowsMatchedOnceEachComeOutAsTheyWentIn) {
  WriteNames("codes", {{0, 100}, {1, 101}, {2, 102}, {3, 103}, {4, 104}, {5, 105}, {6, 106}});
  for (const std::string type : {"left", "inner"}) {
    auto engine = MakeLocalJoinEngine(MakeJoinRecipe(), JoinBounds{1 << 20, 1000});
    Json params = Params(type);
    params["select"][1]["input"] = "codes";
    std::string log = Run("join", params, *engine, {"t", "codes"});
    EXPECT_EQ(log.find("scratch"), std::string::npos) << log;
    std::vector<std::string> expected;
    for (int64_t i = 0; i < kRows; ++i) {
      bool null = i % 50 == 0;
      if (null && type == "inner") continue;
      expected.push_back((null ? "null" : std::to_string(i % 7)) + "|" + std::to_string(i) + "|" +
                         (null ? "null" : std::to_string(100 + i % 7)));
    }
    EXPECT_EQ(OutputRows(), expected) << type;  // in t's order
  }
}

TEST_F(LocalJoinEngineTest, ASecondInputPastTheBoundJoinsOnTheScratchDatabase) {
  auto engine = MakeLocalJoinEngine(MakeJoinRecipe(), JoinBounds{16, 1000});
  std::string log = RunJoin("left", *engine);
  EXPECT_NE(log.find("running on the scratch database instead"), std::string::npos) << log;
  EXPECT_EQ(SortedOutput(), Expected(true));
}

}  // namespace
}  // namespace mortar::recipes
