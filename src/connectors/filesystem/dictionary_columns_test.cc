#include "connectors/filesystem/dictionary_columns.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

namespace mortar::filesystem {
namespace {

std::shared_ptr<arrow::RecordBatch> Batch(const std::shared_ptr<arrow::Schema>& schema,
                                          const std::vector<std::string>& columns_json) {
  arrow::ArrayVector columns;
  int64_t rows = 0;
  for (int i = 0; i < schema->num_fields(); ++i) {
    auto column = arrow::json::ArrayFromJSONString(schema->field(i)->type(), columns_json[i]);
    EXPECT_TRUE(column.ok()) << column.status().ToString();
    rows = (*column)->length();
    columns.push_back(*column);
  }
  return arrow::RecordBatch::Make(schema, rows, std::move(columns));
}

std::vector<int> Outgrowing(const std::vector<std::shared_ptr<arrow::RecordBatch>>& sample,
                            int64_t limit) {
  auto columns = ColumnsOutgrowingDictionary(sample, limit);
  EXPECT_TRUE(columns.ok()) << columns.status().ToString();
  return columns.ok() ? *columns : std::vector<int>{};
}

// A dictionary of 16 distinct int32 values takes 64 bytes: the limit is reached at it,
// not before; repeats and nulls add nothing; values seen in two batches count once.
TEST(DictionaryColumnsTest, ColumnsAreNamedWhenTheirDistinctValuesFillTheLimit) {
  auto schema = arrow::schema({arrow::field("sixteen", arrow::int32()),
                               arrow::field("fifteen", arrow::int32()),
                               arrow::field("repeats", arrow::int32())});
  auto first = Batch(
      schema, {"[0, 1, 2, 3, 4, 5, 6, 7]", "[0, 1, 2, 3, 4, 5, 6, 7]", "[1, 1, 1, 1, 1, 1, 1, 1]"});
  auto second = Batch(
      schema, {"[8, 9, 10, 11, 12, 13, 14, 15, 0, null]",
               "[8, 9, 10, 11, 12, 13, 14, 0, null, null]", "[1, 1, 1, 1, 1, 1, 1, 1, 1, null]"});
  EXPECT_EQ(Outgrowing({first, second}, 64), std::vector<int>{0});
  EXPECT_EQ(Outgrowing({first, second}, 65), std::vector<int>{});
  EXPECT_EQ(Outgrowing({first, second}, 8), (std::vector<int>{0, 1}));
}

// Byte arrays are sized as Parquet's dictionary holds them: each distinct value's bytes
// and a 4-byte length.
TEST(DictionaryColumnsTest, ByteArraysCountTheirBytesAndLengths) {
  auto schema =
      arrow::schema({arrow::field("s", arrow::utf8()), arrow::field("l", arrow::large_binary())});
  // Three distinct values of 1, 2 and 3 bytes: 6 + 3 * 4 = 18 bytes each column.
  auto batch =
      Batch(schema, {R"(["a", "bb", "ccc", "a", null])", R"(["a", "bb", "ccc", "bb", "a"])"});
  EXPECT_EQ(Outgrowing({batch}, 18), (std::vector<int>{0, 1}));
  EXPECT_EQ(Outgrowing({batch}, 19), std::vector<int>{});
}

// Decimals are as wide as their precision needs; timestamps take 8 bytes.
TEST(DictionaryColumnsTest, DecimalsAndTimestampsTakeTheirParquetWidth) {
  auto schema = arrow::schema({arrow::field("amount", arrow::decimal128(18, 2)),
                               arrow::field("small", arrow::decimal128(4, 1)),
                               arrow::field("at", arrow::timestamp(arrow::TimeUnit::MICRO))});
  auto batch =
      Batch(schema, {R"(["1.00", "2.00", "3.00"])", R"(["1.0", "2.0", "3.0"])", "[1, 2, 3]"});
  // 3 values: decimal(18) 8 bytes each, decimal(4) 2, timestamps 8.
  EXPECT_EQ(Outgrowing({batch}, 24), (std::vector<int>{0, 2}));
  EXPECT_EQ(Outgrowing({batch}, 6), (std::vector<int>{0, 1, 2}));
}

// Every type the choice sizes can be hashed: a column of each, two distinct values, is
// chosen against a limit of one byte.
TEST(DictionaryColumnsTest, EveryTypeItSizesIsCounted) {
  std::vector<std::shared_ptr<arrow::Field>> fields;
  std::vector<std::string> values;
  auto add = [&](std::shared_ptr<arrow::DataType> type, std::string json) {
    fields.push_back(arrow::field("c" + std::to_string(fields.size()), std::move(type)));
    values.push_back(std::move(json));
  };
  for (auto type :
       {arrow::int8(), arrow::uint8(), arrow::int16(), arrow::uint16(), arrow::int32(),
        arrow::uint32(), arrow::int64(), arrow::uint64(), arrow::float32(), arrow::float64(),
        arrow::date32(), arrow::date64(), arrow::time32(arrow::TimeUnit::SECOND),
        arrow::time64(arrow::TimeUnit::NANO), arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"),
        arrow::duration(arrow::TimeUnit::MILLI)}) {
    add(type, "[1, 2, 1]");
  }
  add(arrow::decimal128(38, 1), R"(["1.5", "2.5", "1.5"])");
  add(arrow::decimal256(50, 2), R"(["1.50", "2.50", "1.50"])");
  add(arrow::fixed_size_binary(3), R"(["abc", "def", "abc"])");
  for (auto type : {arrow::utf8(), arrow::binary(), arrow::large_utf8(), arrow::large_binary()}) {
    add(type, R"(["a", "b", "a"])");
  }
  auto batch = Batch(arrow::schema(fields), values);
  std::vector<int> all(fields.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  EXPECT_EQ(Outgrowing({batch}, 1), all);
}

// Parquet writes booleans without a dictionary, and nested columns are left to Arrow.
TEST(DictionaryColumnsTest, BooleansAndNestedColumnsAreNeverNamed) {
  auto schema = arrow::schema(
      {arrow::field("flag", arrow::boolean()), arrow::field("list", arrow::list(arrow::int64()))});
  auto batch = Batch(schema, {"[true, false, null]", "[[1, 2], [3], [4, 5, 6]]"});
  EXPECT_EQ(Outgrowing({batch}, 1), std::vector<int>{});
  EXPECT_EQ(Outgrowing({}, 1), std::vector<int>{});
}

}  // namespace
}  // namespace mortar::filesystem
