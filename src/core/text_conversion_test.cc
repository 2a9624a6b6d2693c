#include "mortar/core/text_conversion.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

namespace mortar {
namespace {

std::shared_ptr<arrow::Array> Strings(const std::vector<std::string>& values) {
  arrow::StringBuilder builder;
  for (const auto& value : values) EXPECT_TRUE(builder.Append(value).ok());
  return builder.Finish().ValueOrDie();
}

TEST(TextConversionTest, ParsesDatesAndRejectsImpossibleOnes) {
  EXPECT_EQ(ParseDate("1970-01-01"), 0);
  EXPECT_EQ(ParseDate("2024-02-29"), 19782);
  EXPECT_FALSE(ParseDate("2023-02-29"));
  EXPECT_FALSE(ParseDate("2023-13-01"));
  EXPECT_EQ(FormatDate(19782), "2024-02-29");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
}

TEST(TextConversionTest, ParsesTimestampsWithAndWithoutZones) {
  bool zone = false;
  EXPECT_EQ(ParseTimestamp("1970-01-01 00:00:01", &zone), 1000000);
  EXPECT_FALSE(zone);
  EXPECT_EQ(ParseTimestamp("1970-01-01T01:00:00+01:00", &zone), 0);
  EXPECT_TRUE(zone);
  EXPECT_EQ(ParseTimestamp("1970-01-01 00:00:00.5Z"), 500000);
  EXPECT_EQ(FormatTimestamp(1500000, true), "1970-01-01 00:00:01.500000Z");
  EXPECT_EQ(FormatTimestamp(-1000000, false), "1969-12-31 23:59:59");
  EXPECT_FALSE(ParseTimestamp("1970-01-01 25:00:00"));
}

TEST(TextConversionTest, ConvertsDecimalsExactly) {
  auto decimals = ConvertText(*Strings({"12345678901234567890.12", "-0.5", ""}),
                              *Type::Decimal(38, 2), TextOrigin{"test.csv", "amount", 1});
  ASSERT_TRUE(decimals.ok()) << decimals.status().ToString();
  const auto& array = static_cast<const arrow::Decimal128Array&>(**decimals);
  EXPECT_EQ(array.FormatValue(0), "12345678901234567890.12");
  EXPECT_EQ(array.FormatValue(1), "-0.50");
  EXPECT_TRUE(array.IsNull(2));
}

TEST(TextConversionTest, BadValueNamesSourceRowAndColumn) {
  auto result = ConvertText(*Strings({"1", "2", "three"}), Type::Int64(),
                            TextOrigin{"orders.csv", "qty", 101});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(result.status().message(),
            "value 'three' in column 'qty' is not a valid int64; at orders.csv, row 103");
  auto overflow = ConvertText(*Strings({"300"}), Type::Int8(), TextOrigin{"f", "c", 1});
  ASSERT_FALSE(overflow.ok());
  EXPECT_NE(overflow.status().message().find("out of range"), std::string::npos);
}

TEST(TextConversionTest, ConvertsJsonToNestedTypes) {
  Type type = *Type::Parse("struct<a:int64,b:array<string>>");
  auto result =
      ConvertText(*Strings({R"({"a": 1, "b": ["x", "y"]})", ""}), type, TextOrigin{"f", "c", 1});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)->length(), 2);
  EXPECT_TRUE((*result)->IsNull(1));
  auto text = NestedToJsonText(**result);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(static_cast<const arrow::StringArray&>(**text).GetString(0),
            R"({"a":1,"b":["x","y"]})");
}

// Found by fuzz/arrow_input_fuzzer.cc: binary that is not UTF-8 inside a nested value
// made the JSON text throw (and end the process) when a CSV writer wrote it.
TEST(TextConversionTest, NestedBinaryThatIsNotUtf8BecomesReplacementCharacters) {
  arrow::ListBuilder list(arrow::default_memory_pool(), std::make_shared<arrow::BinaryBuilder>());
  auto& values = static_cast<arrow::BinaryBuilder&>(*list.value_builder());
  ASSERT_TRUE(list.Append().ok());
  ASSERT_TRUE(values.Append(std::string("a\xee", 2)).ok());
  std::shared_ptr<arrow::Array> array;
  ASSERT_TRUE(list.Finish(&array).ok());
  auto text = NestedToJsonText(*array);
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_EQ(static_cast<const arrow::StringArray&>(**text).GetString(0), "[\"a\xef\xbf\xbd\"]");
  EXPECT_EQ(CellToText(*array, 0), "[\"a\xef\xbf\xbd\"]");
}

TEST(TypeGuesserTest, PicksTheNarrowestType) {
  auto guess = [](std::vector<std::string> values) {
    TypeGuesser guesser;
    for (const auto& value : values) guesser.Observe(value);
    return guesser.Guess().ToString();
  };
  EXPECT_EQ(guess({"1", "2", ""}), "int64");
  EXPECT_EQ(guess({"1", "2.5"}), "double");
  EXPECT_EQ(guess({"true", "FALSE"}), "boolean");
  EXPECT_EQ(guess({"2024-01-01", "2024-12-31"}), "date");
  EXPECT_EQ(guess({"2024-01-01 10:00:00", "2024-01-02"}), "timestamp_ntz");
  EXPECT_EQ(guess({"2024-01-01T10:00:00Z"}), "timestamp");
  EXPECT_EQ(guess({"1", "x"}), "string");
  EXPECT_EQ(guess({}), "string");
}

}  // namespace
}  // namespace mortar
