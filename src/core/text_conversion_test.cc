#include "mortar/core/text_conversion.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <cmath>

#include "mortar/core/cell_text.h"

namespace mortar {
namespace {

std::shared_ptr<arrow::Array> Strings(const std::vector<std::string>& values) {
  arrow::StringBuilder builder;
  for (const auto& value : values) EXPECT_TRUE(builder.Append(value).ok());
  return builder.Finish().ValueOrDie();
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

TEST(TextConversionTest, FloatsBecomeDecimalsAsSparkCastsThem) {
  arrow::DoubleBuilder doubles;
  ASSERT_TRUE(doubles.AppendValues({0.125, 2.675, -0.125, 1e-7, 12345.0}).ok());
  ASSERT_TRUE(doubles.AppendNull().ok());
  auto decimals = FloatsToDecimals(*doubles.Finish().ValueOrDie(), *Type::Decimal(7, 2),
                                   TextOrigin{"upload", "amount", 1});
  ASSERT_TRUE(decimals.ok()) << decimals.status().ToString();
  const auto& array = static_cast<const arrow::Decimal128Array&>(**decimals);
  // The shortest text rounded half up: Arrow's cast gives 0.12, 2.67 and -0.12.
  EXPECT_EQ(array.FormatValue(0), "0.13");
  EXPECT_EQ(array.FormatValue(1), "2.68");
  EXPECT_EQ(array.FormatValue(2), "-0.13");
  EXPECT_EQ(array.FormatValue(3), "0.00");
  EXPECT_EQ(array.FormatValue(4), "12345.00");
  EXPECT_TRUE(array.IsNull(5));
  arrow::FloatBuilder floats;
  ASSERT_TRUE(floats.AppendValues({0.1f, std::nanf("")}).ok());
  auto refused = FloatsToDecimals(*floats.Finish().ValueOrDie(), *Type::Decimal(7, 2),
                                  TextOrigin{"upload", "amount", 1});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("nan"), std::string::npos)
      << refused.status().ToString();
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

}  // namespace
}  // namespace mortar
