#include "charts/chart_numbers.h"

#include <gtest/gtest.h>

namespace mortar::charts {
namespace {

TEST(ChartNumbersTest, AxesStepByOneTwoOrFiveTimesAPowerOfTen) {
  ValueAxis axis = RoundAxis(0, 24364.949999999997);
  EXPECT_EQ(axis.step, 5000);
  EXPECT_EQ(axis.low, 0);
  EXPECT_EQ(axis.high, 25000);
  EXPECT_EQ(axis.decimals, 0);
  axis = RoundAxis(-3, 7);
  EXPECT_EQ(axis.step, 2);
  EXPECT_EQ(axis.low, -4);
  EXPECT_EQ(axis.high, 8);
  axis = RoundAxis(0, 0.37);
  EXPECT_DOUBLE_EQ(axis.step, 0.1);
  EXPECT_DOUBLE_EQ(axis.high, 0.4);
  EXPECT_EQ(axis.decimals, 1);
  axis = RoundAxis(0, 1);
  EXPECT_DOUBLE_EQ(axis.step, 0.2);
  axis = RoundAxis(0, 14747.4);
  EXPECT_EQ(axis.step, 5000);
  EXPECT_EQ(axis.high, 15000);
}

TEST(ChartNumbersTest, NumbersWithoutNoiseAndWithThousandsSeparators) {
  EXPECT_EQ(ReadableNumber(24364.949999999997), "24,364.95");
  EXPECT_EQ(ReadableNumber(-1234567), "-1,234,567");
  EXPECT_EQ(ReadableNumber(999), "999");
  EXPECT_EQ(ReadableNumber(0.000125), "0.000125");
  EXPECT_EQ(ReadableNumber(1.5e20), "1.5e+20");
  EXPECT_EQ(ReadableNumber(22000, 0), "22,000");
  EXPECT_EQ(ReadableNumber(0.30000000000000004, 1), "0.3");
  EXPECT_EQ(ReadableNumber(-0.0000001, 1), "0.0");
  EXPECT_EQ(PlainNumber(2024), "2024");
  EXPECT_EQ(PlainNumber(0.1 + 0.2), "0.3");
}

}  // namespace
}  // namespace mortar::charts
