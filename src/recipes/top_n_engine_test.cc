#include "recipes/top_n_engine.h"

#include <algorithm>
#include <map>

#include "recipes/grouped_rows_fixture.h"

namespace mortar::recipes {
namespace {

using Json = config::Json;

// 300,000 rows (five of the SQLite reader's batches) in 7 groups (g = i % 7, NULL for
// every 50th row), v = i, in the SQLite table t; the output goes to the table out.
constexpr int64_t kRows = 300000;

class LocalTopNEngineTest : public GroupedRowsTest {
 protected:
  void SetUp() override { MakeRows(kRows); }

  // Runs top N (per g, by v descending, with a rank) on the engine; returns what the log
  // said, and the output's rows as "v#rank" by group.
  std::string Run(int64_t n, TopNBounds bounds,
                  std::map<std::string, std::vector<std::string>>* rows) {
    auto engine = MakeLocalTopNEngine(MakeTopNRecipe(), bounds);
    std::string log =
        GroupedRowsTest::Run("top_n",
                             Json{{"n", n},
                                  {"partition_by", {"g"}},
                                  {"order_by", {{{"column", "v"}, {"descending", true}}}},
                                  {"rank_column", "rank"}},
                             *engine);
    for (const auto& row : OutputRows()) {
      std::size_t first = row.find('|'), second = row.find('|', first + 1);
      (*rows)[row.substr(0, first)].push_back(row.substr(first + 1, second - first - 1) + "#" +
                                              row.substr(second + 1));
    }
    for (auto& [group, values] : *rows) std::sort(values.begin(), values.end());
    return log;
  }
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

TEST_F(LocalTopNEngineTest, MoreBytesToKeepThanItsBoundGoToTheScratchDatabase) {
  std::map<std::string, std::vector<std::string>> rows;
  // 8,000 rows to keep, far below the row bound, but more bytes than 96 KiB.
  std::string log =
      Run(1000, TopNBounds{int64_t{1} << 18, int64_t{1} << 20, 64 << 10, 96 << 10}, &rows);
  EXPECT_NE(log.find("running on the scratch database instead"), std::string::npos) << log;
  std::size_t total = 0;
  for (const auto& [group, values] : rows) total += values.size();
  EXPECT_EQ(total, 8000u);
}

}  // namespace
}  // namespace mortar::recipes
