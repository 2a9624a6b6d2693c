// The sort and window recipes' local engines with bounds small enough that the input
// goes to disk in many sorted runs and the pass over them crosses many batches.
#include <map>

#include "mortar/core/interrupt.h"
#include "recipes/grouped_rows_fixture.h"
#include "recipes/sort_engine.h"
#include "recipes/window_engine.h"

namespace mortar::recipes {
namespace {

using Json = config::Json;

constexpr int64_t kRows = 30000;
constexpr SortBounds kSmall{32 << 10, 1000};

class LocalSortEnginesTest : public GroupedRowsTest {
 protected:
  void SetUp() override { MakeRows(kRows); }

  bool NoScratchFilesLeft() const {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(temp_.root() / "jobs")) {
      if (entry.path().extension() == ".arrow") return false;
    }
    return true;
  }
};

TEST_F(LocalSortEnginesTest, SortMergesManyRunsFromDisk) {
  std::vector<std::string> rows;
  auto engine = MakeLocalSortEngine(MakeSortRecipe(), kSmall);
  std::string log =
      Run("sort",
          Json{{"order_by",
                {{{"column", "g"}, {"nulls", "first"}}, {{"column", "v"}, {"descending", true}}}}},
          *engine);
  rows = OutputRows();
  EXPECT_NE(log.find("sorted runs from the scratch folder"), std::string::npos) << log;
  std::vector<std::string> expected;
  for (int64_t i = kRows - 50; i >= 0; i -= 50) expected.push_back("null|" + std::to_string(i));
  for (int64_t group = 0; group < 7; ++group) {
    for (int64_t i = kRows - 1; i >= 0; --i) {
      if (i % 50 != 0 && i % 7 == group)
        expected.push_back(std::to_string(group) + "|" + std::to_string(i));
    }
  }
  EXPECT_EQ(rows, expected);
  EXPECT_TRUE(NoScratchFilesLeft());
}

TEST_F(LocalSortEnginesTest, WindowCountsAndSumsAcrossBatchesAndRuns) {
  std::vector<std::string> rows;
  auto engine = MakeLocalWindowEngine(MakeWindowRecipe(), kSmall);
  std::string log =
      Run("window",
          Json{{"partition_by", {"g"}},
               {"order_by", {{{"column", "v"}, {"descending", true}}}},
               {"computations",
                {{{"function", "row_number"}}, {{"function", "cumulative_sum"}, {"column", "v"}}}}},
          *engine);
  rows = OutputRows();
  EXPECT_NE(log.find("sorted runs from the scratch folder"), std::string::npos) << log;
  EXPECT_EQ(log.find("scratch database"), std::string::npos) << log;
  // Each group's rows by v descending: their number and the sum of v so far.
  std::map<std::string, std::vector<std::string>> expected;
  std::map<std::string, std::pair<int64_t, int64_t>> counted;
  for (int64_t i = kRows - 1; i >= 0; --i) {
    std::string group = i % 50 == 0 ? "null" : std::to_string(i % 7);
    auto& [number, sum] = counted[group];
    ++number;
    sum += i;
    expected[group].push_back(group + "|" + std::to_string(i) + "|" + std::to_string(number) + "|" +
                              std::to_string(sum));
  }
  std::map<std::string, std::vector<std::string>> actual;
  for (const auto& row : rows) actual[row.substr(0, row.find('|'))].push_back(row);
  EXPECT_EQ(actual, expected);
  EXPECT_TRUE(NoScratchFilesLeft());
}

TEST_F(LocalSortEnginesTest, WindowFunctionsItDoesNotStreamRunOnTheScratchDatabase) {
  std::vector<std::string> rows;
  auto engine = MakeLocalWindowEngine(MakeWindowRecipe(), kSmall);
  std::string log = Run("window",
                        Json{{"partition_by", {"g"}},
                             {"order_by", {{{"column", "v"}}}},
                             {"computations", {{{"function", "lag"}, {"column", "v"}}}}},
                        *engine);
  rows = OutputRows();
  EXPECT_NE(log.find("scratch SQLite"), std::string::npos) << log;
  EXPECT_EQ(rows.size(), static_cast<std::size_t>(kRows));
}

// Ctrl-C (or SIGTERM) while a local engine runs: the output is left as it was, whether
// the engine is the external sort or Acero's hash aggregation.
TEST_F(LocalSortEnginesTest, InterruptedLocalEnginesLeaveTheOutputAsItWas) {
  auto sort = MakeLocalSortEngine(MakeSortRecipe(), kSmall);
  Run("sort", Json{{"order_by", {{{"column", "v"}}}}}, *sort);
  std::vector<std::string> before = OutputRows();
  ASSERT_EQ(before.size(), static_cast<std::size_t>(kRows));
  const Engine* group = nullptr;
  for (const Engine* engine : context_->registry().EnginesFor("group")) {
    if (engine->name() == "local") group = engine;
  }
  ASSERT_NE(group, nullptr);
  InterruptRequested() = true;
  std::string log;
  Status sorted = Attempt("sort", Json{{"order_by", {{{"column", "v"}, {"descending", true}}}}},
                          *sort, {"t"}, &log);
  Status grouped = Attempt(
      "group", Json{{"keys", {"g"}}, {"aggregations", {{{"column", "v"}, {"functions", {"sum"}}}}}},
      *group, {"t"}, &log);
  InterruptRequested() = false;
  EXPECT_EQ(sorted.code(), ErrorCode::kCancelled) << sorted.ToString();
  EXPECT_EQ(grouped.code(), ErrorCode::kCancelled) << grouped.ToString();
  EXPECT_EQ(OutputRows(), before);
  EXPECT_TRUE(NoScratchFilesLeft());
}

}  // namespace
}  // namespace mortar::recipes
