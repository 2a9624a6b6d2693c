// The join recipe's local hash join against the rows it must give, and its fallback to
// the scratch database when the second input passes its bound.
#include "recipes/join_engine.h"

#include <algorithm>

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
    Schema schema({{"g", Type::Int64(), true}, {"name", Type::Int64(), true}});
    ASSERT_TRUE((**context_->project())
                    .SaveDataset({"names", "sqlite_default", "sql_table", Json{{"table", "names"}},
                                  schema, ""})
                    .ok());
    arrow::Int64Builder groups, names;
    for (int64_t g = 0; g < 6; ++g) {
      ASSERT_TRUE(groups.Append(g).ok());
      ASSERT_TRUE(names.Append(100 + g).ok());
    }
    ASSERT_TRUE(groups.Append(3).ok());
    ASSERT_TRUE(names.Append(200).ok());
    ASSERT_TRUE(groups.AppendNull().ok());
    ASSERT_TRUE(names.Append(300).ok());
    auto batch = arrow::RecordBatch::Make(
        schema.ToArrow(), 8, {groups.Finish().ValueOrDie(), names.Finish().ValueOrDie()});
    auto writer = (*context_->GetDataset("names"))->OpenWriter(schema, WriteMode::kReplace);
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

TEST_F(LocalJoinEngineTest, ASecondInputPastTheBoundJoinsOnTheScratchDatabase) {
  auto engine = MakeLocalJoinEngine(MakeJoinRecipe(), JoinBounds{16, 1000});
  std::string log = RunJoin("left", *engine);
  EXPECT_NE(log.find("running on the scratch database instead"), std::string::npos) << log;
  EXPECT_EQ(SortedOutput(), Expected(true));
}

}  // namespace
}  // namespace mortar::recipes
