#include "recipes/signless_zero.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "mortar/core/cell_text.h"
#include "recipes/grouped_rows_fixture.h"

namespace mortar::recipes {
namespace {

TEST(SignlessZeroTest, MakesNegativeZeroZeroAndLeavesTheRest) {
  arrow::DoubleBuilder builder;
  ASSERT_TRUE(builder.AppendValues({-0.0, 0.0, std::nan(""), 1.5}).ok());
  ASSERT_TRUE(builder.AppendNull().ok());
  auto signless = SignlessZero(builder.Finish().ValueOrDie());
  ASSERT_TRUE(signless.ok()) << signless.status().ToString();
  const auto& values = static_cast<const arrow::DoubleArray&>(**signless);
  EXPECT_FALSE(std::signbit(values.Value(0)));
  EXPECT_EQ(values.Value(1), 0.0);
  EXPECT_TRUE(std::isnan(values.Value(2)));
  EXPECT_EQ(values.Value(3), 1.5);
  EXPECT_TRUE(values.IsNull(4));
  arrow::Int64Builder integers;
  ASSERT_TRUE(integers.Append(-1).ok());
  auto kept = integers.Finish().ValueOrDie();
  EXPECT_EQ(*SignlessZero(kept), kept);  // other types as they are
}

// From a CSV file, which keeps -0.0 (SQLite tables store it as 0.0): the local group
// and top N engines make one key of -0.0 and 0.0.
class SignlessZeroEnginesTest : public GroupedRowsTest {
 protected:
  void SetUp() override {
    MakeRows(1);
    temp_.WriteFile("files/signed.csv", "k,v\n-0.0,1\n0.0,2\n0.0,3\n1.5,4\n");
    Schema schema({{"k", Type::Double(), true}, {"v", Type::Int64(), true}});
    ASSERT_TRUE((*context_->project())
                    ->SaveDataset({"signed", "filesystem_default", "files",
                                   config::Json{{"path", "signed.csv"}}, schema, ""})
                    .ok());
  }
  // out's rows as text, sorted.
  std::vector<std::string> Rows() {
    std::vector<std::string> rows;
    auto reader = (*context_->GetDataset("out"))->Read(ReadOptions{});
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    while (reader.ok()) {
      auto batch = (*reader)->Next();
      if (!batch.ok() || !*batch) break;
      for (int64_t r = 0; r < (*batch)->num_rows(); ++r) {
        rows.push_back(CellToText(*(*batch)->column(0), r) + "|" +
                       CellToText(*(*batch)->column(1), r));
      }
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }
  const Engine& Local(const std::string& type) {
    for (const Engine* engine : context_->registry().EnginesFor(type)) {
      if (engine->name() == "local") return *engine;
    }
    ADD_FAILURE() << "no local engine for " << type;
    return *context_->registry().EnginesFor(type).front();
  }
};

TEST_F(SignlessZeroEnginesTest, NegativeZeroAndZeroAreOneKey) {
  Run("group",
      config::Json{{"keys", {"k"}},
                   {"count", false},
                   {"aggregations", {{{"column", "v"}, {"functions", {"sum"}}}}}},
      Local("group"), {"signed"});
  EXPECT_EQ(Rows(), (std::vector<std::string>{"0.0|6", "1.5|4"}));
  Run("top_n", config::Json{{"n", 1}, {"partition_by", {"k"}}, {"order_by", {{{"column", "v"}}}}},
      Local("top_n"), {"signed"});
  // One partition: its first row by v (the -0.0 one, which SQLite stores as 0.0).
  EXPECT_EQ(Rows(), (std::vector<std::string>{"0.0|1", "1.5|4"}));
}

}  // namespace
}  // namespace mortar::recipes
