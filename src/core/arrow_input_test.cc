#include "mortar/core/arrow_input.h"

#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/writer.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/misaligned_arrow.h"

namespace mortar {
namespace {

// A validity bitmap (none when `valid` is empty), counting the nulls.
std::shared_ptr<arrow::Buffer> Validity(const std::vector<bool>& valid, int64_t& nulls) {
  if (valid.empty()) return nullptr;
  arrow::TypedBufferBuilder<bool> bits;
  for (bool v : valid) {
    EXPECT_TRUE(bits.Append(v).ok());
    nulls += v ? 0 : 1;
  }
  return bits.Finish().ValueOrDie();
}

// A string column made of raw parts, as a server could send it: any offsets, any bytes.
template <typename ArrayType = arrow::StringArray, typename Offset = int32_t>
std::shared_ptr<arrow::Array> Strings(const std::vector<Offset>& offsets, const std::string& data,
                                      const std::vector<bool>& valid = {}) {
  auto offset_buffer = arrow::Buffer::FromString(
      std::string(reinterpret_cast<const char*>(offsets.data()), offsets.size() * sizeof(Offset)));
  int64_t nulls = 0;
  std::shared_ptr<arrow::Buffer> bitmap = Validity(valid, nulls);
  return std::make_shared<ArrayType>(static_cast<int64_t>(offsets.size()) - 1, offset_buffer,
                                     arrow::Buffer::FromString(data), bitmap, nulls);
}

Status Check(const std::shared_ptr<arrow::Array>& column) {
  auto schema = arrow::schema({arrow::field("text", column->type())});
  return ValidateArrowInput(*arrow::RecordBatch::Make(schema, column->length(), {column}),
                            "the test's batch");
}

void ExpectRefused(const std::shared_ptr<arrow::Array>& column, const std::string& why) {
  Status status = Check(column);
  ASSERT_FALSE(status.ok()) << why;
  EXPECT_NE(status.message().find("invalid Arrow data"), std::string::npos) << status.ToString();
  EXPECT_NE(status.message().find("column 'text'"), std::string::npos) << status.ToString();
}

TEST(ArrowInputTest, StringColumnsOfWholeCharactersAreAccepted) {
  // "a", "é" (2 bytes), "", "日本" (3 + 3 bytes), "z"
  EXPECT_TRUE(Check(Strings({0, 1, 3, 3, 9, 10},
                            "a\xC3\xA9\xE6\x97\xA5\xE6\x9C\xAC"
                            "z"))
                  .ok());
  EXPECT_TRUE(Check(Strings<arrow::LargeStringArray, int64_t>({0, 2, 5},
                                                              "\xC3\xA9"
                                                              "abc"))
                  .ok());
  EXPECT_TRUE(Check(Strings({0}, "")).ok());            // no rows
  EXPECT_TRUE(Check(Strings({4, 4, 4}, "abcd")).ok());  // empty values past the start
}

TEST(ArrowInputTest, StringColumnsThatAreNotUtf8AreRefused) {
  ExpectRefused(Strings({0, 1, 2}, "a\xFF"), "a byte that is never UTF-8");
  ExpectRefused(Strings({0, 1, 2}, "a\xC3"), "a character cut off at the end");
  // The bytes are UTF-8 as one run, but the second value starts inside "é".
  ExpectRefused(Strings({0, 2, 3, 4},
                        "a\xC3\xA9"
                        "b"),
                "a value boundary inside a character");
  ExpectRefused(Strings<arrow::LargeStringArray, int64_t>({0, 1, 3}, "\xC3\xA9\xA9"),
                "a large string column with a stray continuation byte");
}

TEST(ArrowInputTest, StringOffsetsOutsideTheirDataOrFallingAreRefused) {
  ExpectRefused(Strings({0, 3, 9}, "abcd"), "an offset past the data");
  ExpectRefused(Strings({0, 3, 1, 4}, "abcd"), "offsets that fall");
  ExpectRefused(Strings({-1, 2}, "abcd"), "a negative first offset");
}

TEST(ArrowInputTest, BytesOnlyNullValuesCoverAreLeftAloneAsArrowDoes) {
  // The second value is null; its bytes are not UTF-8, which the format allows.
  EXPECT_TRUE(Check(Strings({0, 1, 2, 3},
                            "a\xFF"
                            "b",
                            {true, false, true}))
                  .ok());
  ExpectRefused(Strings({0, 1, 2, 3},
                        "a\xFF"
                        "b",
                        {true, true, false}),
                "the same bytes under a valid value");
}

TEST(ArrowInputTest, SlicedStringColumnsAreCheckedOnTheirOwnRows) {
  auto column = Strings({0, 1, 2, 4},
                        "\xFF"
                        "a\xC3\xA9");
  EXPECT_TRUE(Check(column->Slice(1)).ok());
  ExpectRefused(column->Slice(0, 2), "the slice that holds the bad byte");
}

std::shared_ptr<arrow::Array> Decimals(int32_t precision, const std::vector<std::string>& values,
                                       const std::vector<bool>& valid = {}) {
  // Built unchecked, as bytes from a server would be.
  auto type = arrow::decimal128(precision, 2);
  arrow::TypedBufferBuilder<uint8_t> bytes;
  for (const auto& text : values) {
    auto value = arrow::Decimal128::FromString(text).ValueOrDie();
    EXPECT_TRUE(bytes.Append(value.ToBytes().data(), 16).ok());
  }
  int64_t nulls = 0;
  std::shared_ptr<arrow::Buffer> bitmap = Validity(valid, nulls);
  return std::make_shared<arrow::Decimal128Array>(arrow::ArrayData::Make(
      type, static_cast<int64_t>(values.size()), {bitmap, bytes.Finish().ValueOrDie()}, nulls));
}

TEST(ArrowInputTest, DecimalsMustFitTheirPrecision) {
  EXPECT_TRUE(Check(Decimals(5, {"999.99", "-999.99", "0", "12.30"})).ok());
  ExpectRefused(Decimals(5, {"1.00", "1000.00"}), "six digits in a decimal(5,2)");
  ExpectRefused(Decimals(5, {"-1000.00"}), "six digits, negative");
  ExpectRefused(Decimals(18, {"100000000000000000.00"}),
                "a value past 64 bits' range of 18 digits");
  EXPECT_TRUE(Check(Decimals(18, {"9999999999999999.99", "-9999999999999999.99"})).ok());
  // Wider decimals are Arrow's to check.
  EXPECT_TRUE(Check(Decimals(38, {"123456789012345678901234567890.12"})).ok());
  ExpectRefused(Decimals(20, {"1234567890123456789.00"}), "21 digits in a decimal(20,2)");
  // A null's bytes are not a value.
  EXPECT_TRUE(Check(Decimals(5, {"1.00", "1000.00"}, {true, false})).ok());
  ExpectRefused(Decimals(5, {"1.00", "1000.00"}, {false, true}), "the same bytes, not null");
}

// Keeps what a stream hands over.
class Collecting final : public ArrowInputListener {
 public:
  Status OnSchema(std::shared_ptr<arrow::Schema>) override { return Status::OK(); }
  Status OnBatch(std::shared_ptr<arrow::RecordBatch> batch) override {
    batches.push_back(std::move(batch));
    return Status::OK();
  }
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
};

TEST(ArrowInputTest, AStreamWhoseBuffersSitAtOddOffsetsIsReadAligned) {
  auto column = Strings({0, 1, 3, 3, 9}, "a\xC3\xA9\xE6\x97\xA5\xE6\x9C\xAC");
  auto schema = arrow::schema({arrow::field("text", column->type())});
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto writer = arrow::ipc::MakeStreamWriter(sink, schema).ValueOrDie();
  ASSERT_TRUE(writer->WriteRecordBatch(*arrow::RecordBatch::Make(schema, 4, {column})).ok());
  ASSERT_TRUE(writer->Close().ok());
  std::string stream = testing::MisalignBatchBodies(sink->Finish().ValueOrDie()->ToString());

  Collecting collected;
  ArrowStreamInput input(collected, "the test's body");
  ASSERT_TRUE(input.Consume(stream.data(), stream.size()).ok());
  ASSERT_TRUE(input.ended());
  ASSERT_EQ(collected.batches.size(), 1u);
  const auto& read = collected.batches[0]->column(0)->data();
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(read->buffers[1]->data()) % alignof(int32_t), 0u);
  EXPECT_TRUE(collected.batches[0]->column(0)->Equals(*column));
}

// Two batches of a dictionary column, the second's dictionary extending the first's,
// written as deltas or as a replacement.
std::string DictionaryStream(bool deltas) {
  auto type = arrow::dictionary(arrow::int32(), arrow::utf8());
  auto schema = arrow::schema({arrow::field("city", type)});
  auto options = arrow::ipc::IpcWriteOptions::Defaults();
  options.emit_dictionary_deltas = deltas;
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto writer = arrow::ipc::MakeStreamWriter(sink, schema, options).ValueOrDie();
  arrow::Int32Builder index_builder;
  EXPECT_TRUE(index_builder.AppendValues({0, 1, 0}).ok());
  auto indices = index_builder.Finish().ValueOrDie();
  for (std::vector<std::string> words : {std::vector<std::string>{"a", "b"}, {"a", "b", "c"}}) {
    arrow::StringBuilder word_builder;
    EXPECT_TRUE(word_builder.AppendValues(words).ok());
    auto column =
        arrow::DictionaryArray::FromArrays(type, indices, word_builder.Finish().ValueOrDie())
            .ValueOrDie();
    EXPECT_TRUE(writer->WriteRecordBatch(*arrow::RecordBatch::Make(schema, 3, {column})).ok());
  }
  EXPECT_TRUE(writer->Close().ok());
  return sink->Finish().ValueOrDie()->ToString();
}

TEST(ArrowInputTest, DictionaryDeltasAreRefusedAndReplacementsTaken) {
  std::string deltas = DictionaryStream(true);
  Collecting refused;
  ArrowStreamInput with_deltas(refused, "the test's body");
  Status status = with_deltas.Consume(deltas.data(), deltas.size());
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("dictionary delta"), std::string::npos) << status.ToString();

  std::string replaced = DictionaryStream(false);
  Collecting taken;
  ArrowStreamInput with_replacement(taken, "the test's body");
  ASSERT_TRUE(with_replacement.Consume(replaced.data(), replaced.size()).ok());
  EXPECT_TRUE(with_replacement.ended());
  EXPECT_EQ(taken.batches.size(), 2u);
}

}  // namespace
}  // namespace mortar
