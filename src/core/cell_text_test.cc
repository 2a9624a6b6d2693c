#include "mortar/core/cell_text.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <vector>

#include "mortar/core/text_conversion.h"

namespace mortar {
namespace {

// Found by fuzz/arrow_input_fuzzer.cc: binary that is not UTF-8 inside a nested value
// made the JSON text throw (and end the process) when a CSV writer wrote it. It is
// base64 now, and the text reads back to the same bytes.
TEST(CellTextTest, NestedBinaryThatIsNotUtf8IsBase64AndReadsBack) {
  auto type = arrow::list(arrow::binary());
  arrow::ListBuilder list(arrow::default_memory_pool(), std::make_shared<arrow::BinaryBuilder>());
  auto& values = static_cast<arrow::BinaryBuilder&>(*list.value_builder());
  ASSERT_TRUE(list.Append().ok());
  ASSERT_TRUE(values.Append(std::string("a\xee", 2)).ok());
  std::shared_ptr<arrow::Array> array;
  ASSERT_TRUE(list.Finish(&array).ok());
  auto text = NestedToJsonText(*array);
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_EQ(static_cast<const arrow::StringArray&>(**text).GetString(0), "[\"Ye4=\"]");
  EXPECT_EQ(CellToText(*array, 0), "[\"Ye4=\"]");
  auto back = ConvertText(**text, *Type::FromArrow(*type), TextOrigin{"test", "list", 1});
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE((*back)->Equals(*array)) << (*back)->ToString();
  auto bad = arrow::json::ArrayFromJSONString(arrow::utf8(), R"(["[\"not base64!\"]"])");
  ASSERT_TRUE(bad.ok());
  auto refused = ConvertText(**bad, *Type::FromArrow(*type), TextOrigin{"test", "list", 1});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("not base64"), std::string::npos)
      << refused.status().message();
}

// Arrow's own text of a decimal switches to an exponent below 1E-6 ("-1E-10"): the
// text of a cell is the plain number at its scale, alone, in JSON and nested.
TEST(CellTextTest, APreviewCutsLongTextAtACharacterAndMarksIt) {
  arrow::StringBuilder builder;
  ASSERT_TRUE(builder.Append("short").ok());
  ASSERT_TRUE(builder
                  .Append("ab\xC3\xA9"
                          "cd")
                  .ok());  // "abécd": é is two bytes
  auto strings = builder.Finish().ValueOrDie();
  EXPECT_EQ(CellToPreviewText(*strings, 0, 5), "short");
  EXPECT_EQ(CellToPreviewText(*strings, 1, 4), "ab\xC3\xA9\u2026");
  EXPECT_EQ(CellToPreviewText(*strings, 1, 3), "ab\u2026");  // not half of é
}

TEST(CellTextTest, DecimalsAreInPlainNotationEverywhere) {
  auto type = arrow::decimal128(38, 10);
  auto decimals = arrow::json::ArrayFromJSONString(type, R"(["-0.0000000001", "12.5000000000"])");
  ASSERT_TRUE(decimals.ok());
  EXPECT_EQ(CellToText(**decimals, 0), "-0.0000000001");
  EXPECT_EQ(CellToJson(**decimals, 0), "\"-0.0000000001\"");
  EXPECT_EQ(CellToText(**decimals, 1), "12.5000000000");
  auto list_type = arrow::list(type);
  auto lists = arrow::json::ArrayFromJSONString(list_type, R"([["0.0000001000"]])");
  ASSERT_TRUE(lists.ok());
  EXPECT_EQ(CellToJson(**lists, 0), "[\"0.0000001000\"]");
}

// An array of doubles; nullopt is a null.
std::shared_ptr<arrow::Array> Doubles(const std::vector<std::optional<double>>& values) {
  arrow::DoubleBuilder doubles;
  for (const auto& value : values) {
    EXPECT_TRUE((value ? doubles.Append(*value) : doubles.AppendNull()).ok());
  }
  return doubles.Finish().ValueOrDie();
}

// JSON has no NaN or infinity (a JSON writer makes them null): they are strings.
TEST(CellTextTest, NanAndInfinitiesAreNamedNotNull) {
  auto array =
      Doubles({std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
               -std::numeric_limits<double>::infinity(), 1.5});
  EXPECT_EQ(CellToJson(*array, 0), "\"NaN\"");
  EXPECT_EQ(CellToJson(*array, 1), "\"Infinity\"");
  EXPECT_EQ(CellToJson(*array, 2), "\"-Infinity\"");
  EXPECT_EQ(CellToJson(*array, 3), "1.5");
  EXPECT_EQ(CellToText(*array, 1), "Infinity");
  EXPECT_EQ(CellToText(*array, 3), "1.5");
}

// Tables for people show a double's 15 significant digits, a float's 7; the text and
// JSON that are read back keep every digit.
TEST(CellTextTest, DisplayTextHasNoBinaryNoise) {
  auto array = Doubles({24364.949999999997, 0.1 + 0.2, -0.0, std::nullopt});
  EXPECT_EQ(CellToDisplayText(*array, 0), "24364.95");
  EXPECT_EQ(CellToDisplayText(*array, 1), "0.3");
  EXPECT_EQ(CellToDisplayText(*array, 2), "0");
  EXPECT_EQ(CellToDisplayText(*array, 3), "");
  EXPECT_EQ(CellToJson(*array, 1), "0.30000000000000004");
  arrow::FloatBuilder floats;
  ASSERT_TRUE(floats.Append(1.1f).ok());
  std::shared_ptr<arrow::Array> float_array;
  ASSERT_TRUE(floats.Finish(&float_array).ok());
  EXPECT_EQ(CellToDisplayText(*float_array, 0), "1.1");
}

// Bytes in JSON are base64, alone and inside nested values: every byte comes back (and
// Spark's from_json reads BINARY as base64).
TEST(CellTextTest, BinaryInJsonIsBase64) {
  arrow::BinaryBuilder bytes;
  ASSERT_TRUE(bytes.Append(std::string("\x00\xff\xfe", 3)).ok());
  ASSERT_TRUE(bytes.Append("").ok());
  ASSERT_TRUE(bytes.AppendNull().ok());
  std::shared_ptr<arrow::Array> array;
  ASSERT_TRUE(bytes.Finish(&array).ok());
  EXPECT_EQ(CellToJson(*array, 0), "\"AP/+\"");
  EXPECT_EQ(CellToJson(*array, 1), "\"\"");
  EXPECT_EQ(CellToJson(*array, 2), "null");
  auto offsets = arrow::json::ArrayFromJSONString(arrow::int32(), "[0, 3]");
  ASSERT_TRUE(offsets.ok());
  auto lists = arrow::ListArray::FromArrays(**offsets, *array);
  ASSERT_TRUE(lists.ok()) << lists.status().ToString();
  EXPECT_EQ(CellToJson(**lists, 0), "[\"AP/+\",\"\",null]");
}

}  // namespace
}  // namespace mortar
