#include "mortar/core/value_text.h"

#include <gtest/gtest.h>

namespace mortar {
namespace {

TEST(ValueTextTest, ParsesDatesAndRejectsImpossibleOnes) {
  EXPECT_EQ(ParseDate("1970-01-01"), 0);
  EXPECT_EQ(ParseDate("2024-02-29"), 19782);
  EXPECT_FALSE(ParseDate("2023-02-29"));
  EXPECT_FALSE(ParseDate("2023-13-01"));
  EXPECT_EQ(FormatDate(19782), "2024-02-29");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
}

TEST(ValueTextTest, DecimalsAreInPlainNotationAtTheirScale) {
  EXPECT_EQ(FormatDecimal("-1", 10), "-0.0000000001");
  EXPECT_EQ(FormatDecimal("1", 7), "0.0000001");
  EXPECT_EQ(FormatDecimal("12345", 2), "123.45");
  EXPECT_EQ(FormatDecimal("-12345", 5), "-0.12345");
  EXPECT_EQ(FormatDecimal("0", 3), "0.000");
  EXPECT_EQ(FormatDecimal("42", 0), "42");
  EXPECT_EQ(FormatDecimal("5", -2), "500");
  EXPECT_EQ(FormatDecimal("0", -2), "0");
  EXPECT_EQ(FormatDecimal("99999999999999999999999999999999999999", 38),
            "0.99999999999999999999999999999999999999");
}

TEST(ValueTextTest, ParsesTimestampsWithAndWithoutZones) {
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

}  // namespace
}  // namespace mortar
