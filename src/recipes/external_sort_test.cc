#include "recipes/external_sort.h"

#include <arrow/compute/api.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <random>

#include "mortar/core/batch.h"
#include "recipes/spark_sort_indices.h"
#include "testing/temp_home.h"

namespace mortar::recipes {
namespace {

namespace cp = arrow::compute;

// 20,000 rows of a text key with few values (and nulls), a double with NaNs, nulls and
// ties, a decimal, and the row's place (to see that ties keep their input order).
std::shared_ptr<arrow::RecordBatch> Rows(int64_t count) {
  std::mt19937 random(11);
  arrow::StringBuilder text;
  arrow::DoubleBuilder number;
  arrow::Decimal128Builder amount(arrow::decimal128(28, 2));
  arrow::Int64Builder place;
  for (int64_t i = 0; i < count; ++i) {
    uint32_t draw = random();
    EXPECT_TRUE(
        (draw % 31 == 0 ? text.AppendNull() : text.Append("k" + std::to_string(draw % 13))).ok());
    double value = static_cast<double>((draw >> 8) % 50) / 4;
    EXPECT_TRUE((draw % 17 == 0   ? number.AppendNull()
                 : draw % 19 == 0 ? number.Append(std::nan(""))
                                  : number.Append(value))
                    .ok());
    EXPECT_TRUE(amount
                    .Append(arrow::Decimal128(static_cast<int64_t>(draw % 1000) - 500) *
                            arrow::Decimal128("1000000000000000000000"))
                    .ok());
    EXPECT_TRUE(place.Append(i).ok());
  }
  auto schema = arrow::schema(
      {arrow::field("text", arrow::utf8()), arrow::field("number", arrow::float64()),
       arrow::field("amount", arrow::decimal128(28, 2)), arrow::field("place", arrow::int64())});
  return arrow::RecordBatch::Make(schema, count,
                                  {text.Finish().ValueOrDie(), number.Finish().ValueOrDie(),
                                   amount.Finish().ValueOrDie(), place.Finish().ValueOrDie()});
}

const std::vector<SortKeyColumn> kKeys = {{0, false, true}, {1, true, false}, {2, false, false}};

// The places, in the order a stable in-memory sort of all rows gives (Spark's order).
std::vector<int64_t> ExpectedPlaces(const std::shared_ptr<arrow::RecordBatch>& rows) {
  std::vector<cp::SortKey> keys;
  for (const auto& key : kKeys) {
    keys.emplace_back(key.column,
                      key.descending ? cp::SortOrder::Descending : cp::SortOrder::Ascending,
                      key.nulls_first ? cp::NullPlacement::AtStart : cp::NullPlacement::AtEnd);
  }
  auto indices = SparkSortIndices(rows, keys);
  EXPECT_TRUE(indices.ok()) << indices.status().ToString();
  const auto& order = static_cast<const arrow::UInt64Array&>(**indices);
  std::vector<int64_t> places;
  for (int64_t i = 0; i < order.length(); ++i)
    places.push_back(static_cast<int64_t>(order.Value(i)));
  return places;
}

std::vector<int64_t> SortedPlaces(ExternalSort& sort, int64_t* batches) {
  auto sorted = sort.Finish();
  EXPECT_TRUE(sorted.ok()) << sorted.status().ToString();
  std::vector<int64_t> places;
  while (sorted.ok()) {
    auto batch = (*sorted)->Next();
    EXPECT_TRUE(batch.ok()) << batch.status().ToString();
    if (!batch.ok() || *batch == nullptr) break;
    ++*batches;
    const auto& place = static_cast<const arrow::Int64Array&>(*(*batch)->column(3));
    for (int64_t i = 0; i < place.length(); ++i) places.push_back(place.Value(i));
  }
  return places;
}

class ExternalSortTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitializeCompute().ok()); }
  std::filesystem::path folder() const { return temp_.root(); }
  int FilesIn(const std::filesystem::path& path) const {
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(path))
      files += entry.is_regular_file();
    return files;
  }
  testing::TempHome temp_;
};

// NaN is above every number, as Spark orders it (Arrow puts it beside the nulls): last
// going up, first going down, and the nulls where the key says.
TEST_F(ExternalSortTest, NaNSortsAboveEveryNumberAsInSpark) {
  arrow::DoubleBuilder values;
  ASSERT_TRUE(values.AppendValues({2.0, std::nan(""), -1.0}).ok());
  ASSERT_TRUE(values.AppendNull().ok());
  ASSERT_TRUE(values.Append(INFINITY).ok());
  auto rows = arrow::RecordBatch::Make(arrow::schema({arrow::field("v", arrow::float64())}), 5,
                                       {values.Finish().ValueOrDie()});
  // In memory, and one row at a time each spilled as its own run (the merge orders them).
  auto order = [&](bool descending, bool nulls_first, int64_t memory_bytes) {
    auto sort = ExternalSort::Make(rows->schema(), {{0, descending, nulls_first}}, folder(), "nan",
                                   SortBounds{memory_bytes, 2});
    EXPECT_TRUE(sort.ok());
    for (int64_t row = 0; row < rows->num_rows(); ++row)
      EXPECT_TRUE((*sort)->Add(rows->Slice(row, 1)).ok());
    std::string text;
    auto sorted = (*sort)->Finish();
    EXPECT_TRUE(sorted.ok());
    while (true) {
      auto batch = (*sorted)->Next();
      if (!batch.ok() || *batch == nullptr) break;
      const auto& column = static_cast<const arrow::DoubleArray&>(*(*batch)->column(0));
      for (int64_t i = 0; i < column.length(); ++i)
        text += column.IsNull(i) ? "null " : std::to_string(column.Value(i)) + " ";
    }
    return text;
  };
  for (int64_t memory_bytes : {int64_t{64} << 10, int64_t{1}}) {
    EXPECT_EQ(order(false, false, memory_bytes), "-1.000000 2.000000 inf nan null ");
    EXPECT_EQ(order(false, true, memory_bytes), "null -1.000000 2.000000 inf nan ");
    EXPECT_EQ(order(true, false, memory_bytes), "nan inf 2.000000 -1.000000 null ");
    EXPECT_EQ(order(true, true, memory_bytes), "null nan inf 2.000000 -1.000000 ");
  }
}

TEST_F(ExternalSortTest, RunsSpilledToDiskMergeIntoTheStableInMemoryOrder) {
  auto rows = Rows(20000);
  auto sort =
      ExternalSort::Make(rows->schema(), kKeys, folder(), "test", SortBounds{64 << 10, 700});
  ASSERT_TRUE(sort.ok()) << sort.status().ToString();
  for (int64_t offset = 0; offset < rows->num_rows(); offset += 1000) {
    ASSERT_TRUE((*sort)->Add(rows->Slice(offset, 1000)).ok());
  }
  EXPECT_GT((*sort)->spilled_runs(), 5);
  // Each spilled run is readable by this user only.
  for (const auto& entry : std::filesystem::directory_iterator(folder())) {
    if (entry.path().filename().string().rfind("test-", 0) != 0) continue;
    struct stat info {};
    ASSERT_EQ(::stat(entry.path().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u) << entry.path();
  }
  int64_t batches = 0;
  EXPECT_EQ(SortedPlaces(**sort, &batches), ExpectedPlaces(rows));
  EXPECT_EQ(batches, (20000 + 699) / 700);  // full batches of the bound, but the last
  sort->reset();
  // The runs' files are gone with the sort.
  for (const auto& entry : std::filesystem::directory_iterator(folder())) {
    EXPECT_NE(entry.path().filename().string().rfind("test-", 0), 0u) << entry.path();
  }
}

TEST_F(ExternalSortTest, RowsWithinTheBoundNeverTouchTheDisk) {
  auto rows = Rows(5000);
  int before = FilesIn(folder());
  auto sort = ExternalSort::Make(rows->schema(), kKeys, folder(), "test");
  ASSERT_TRUE(sort.ok());
  for (int64_t offset = 0; offset < rows->num_rows(); offset += 1000) {
    ASSERT_TRUE((*sort)->Add(rows->Slice(offset, 1000)).ok());
  }
  EXPECT_EQ(FilesIn(folder()), before);
  int64_t batches = 0;
  EXPECT_EQ(SortedPlaces(**sort, &batches), ExpectedPlaces(rows));
  EXPECT_EQ((*sort)->spilled_runs(), 0);
}

// More runs than are merged at once: groups of them are merged into longer runs first,
// pass after pass, and the order stays the stable one.
TEST_F(ExternalSortTest, ManyRunsMergeInPassesOfTheFanIn) {
  auto rows = Rows(20000);
  auto sort = ExternalSort::Make(rows->schema(), kKeys, folder(), "test",
                                 SortBounds{16 << 10, 700, /*merge_fan_in=*/3});
  ASSERT_TRUE(sort.ok()) << sort.status().ToString();
  for (int64_t offset = 0; offset < rows->num_rows(); offset += 250) {
    ASSERT_TRUE((*sort)->Add(rows->Slice(offset, 250)).ok());
  }
  EXPECT_GT((*sort)->spilled_runs(), 27);  // three passes at least
  int64_t batches = 0;
  EXPECT_EQ(SortedPlaces(**sort, &batches), ExpectedPlaces(rows));
  EXPECT_LE((*sort)->spilled_runs(), 3);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder()))
    files += entry.path().filename().string().rfind("test-", 0) == 0;
  EXPECT_EQ(files, (*sort)->spilled_runs());  // the merged runs' files are gone
  sort->reset();
  for (const auto& entry : std::filesystem::directory_iterator(folder())) {
    EXPECT_NE(entry.path().filename().string().rfind("test-", 0), 0u) << entry.path();
  }
}

// Wide rows: the runs' batches and the output's are bounded by bytes, not by a number
// of rows, so the merge does not hold about the whole input.
TEST_F(ExternalSortTest, BatchesOfWideRowsAreBoundedByTheirBytes) {
  constexpr int64_t kRows = 2000;
  arrow::Int64Builder keys;
  arrow::StringBuilder wide;
  std::mt19937 random(5);
  for (int64_t i = 0; i < kRows; ++i) {
    ASSERT_TRUE(keys.Append(static_cast<int64_t>(random() % 100000)).ok());
    ASSERT_TRUE(wide.Append(std::string(4096, static_cast<char>('a' + i % 26))).ok());
  }
  auto schema =
      arrow::schema({arrow::field("key", arrow::int64()), arrow::field("wide", arrow::utf8())});
  auto rows = arrow::RecordBatch::Make(schema, kRows,
                                       {keys.Finish().ValueOrDie(), wide.Finish().ValueOrDie()});
  constexpr int64_t kMemory = 512 << 10;
  auto sort = ExternalSort::Make(schema, {{0}}, folder(), "wide",
                                 SortBounds{kMemory, int64_t{1} << 16, /*merge_fan_in=*/8});
  ASSERT_TRUE(sort.ok()) << sort.status().ToString();
  for (int64_t offset = 0; offset < kRows; offset += 100) {
    ASSERT_TRUE((*sort)->Add(rows->Slice(offset, 100)).ok());
  }
  ASSERT_GT((*sort)->spilled_runs(), 8);
  auto sorted = (*sort)->Finish();
  ASSERT_TRUE(sorted.ok()) << sorted.status().ToString();
  int64_t seen = 0;
  int64_t last_key = -1;
  while (true) {
    auto batch = (*sorted)->Next();
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    if (*batch == nullptr) break;
    // About kMemory of 4 KiB rows: 128 of them, not the 65,536 rows of the bound.
    EXPECT_LE((*batch)->num_rows(), kMemory / 4096) << "after " << seen << " rows";
    const auto& batch_keys = static_cast<const arrow::Int64Array&>(*(*batch)->column(0));
    for (int64_t i = 0; i < batch_keys.length(); ++i) {
      EXPECT_LE(last_key, batch_keys.Value(i));
      last_key = batch_keys.Value(i);
    }
    seen += (*batch)->num_rows();
  }
  EXPECT_EQ(seen, kRows);
}

TEST_F(ExternalSortTest, NoRowsSortToNoBatches) {
  auto rows = Rows(0);
  auto sort = ExternalSort::Make(rows->schema(), kKeys, folder(), "test");
  ASSERT_TRUE(sort.ok());
  int64_t batches = 0;
  EXPECT_TRUE(SortedPlaces(**sort, &batches).empty());
  EXPECT_EQ(batches, 0);
}

TEST_F(ExternalSortTest, NestedValuesCannotBeSortKeys) {
  auto list = arrow::list(arrow::int64());
  EXPECT_FALSE(CanSortBy(*list));
  EXPECT_TRUE(CanSortBy(*arrow::date32()));
  auto sort =
      ExternalSort::Make(arrow::schema({arrow::field("tags", list)}), {{0}}, folder(), "test");
  ASSERT_FALSE(sort.ok());
  EXPECT_NE(sort.status().message().find("cannot sort by column 'tags'"), std::string::npos);
}

}  // namespace
}  // namespace mortar::recipes
