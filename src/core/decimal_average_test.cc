#include "mortar/core/decimal_average.h"

#include <gtest/gtest.h>

#include <string>

namespace mortar {
namespace {

std::string Average(const std::string& sum, int32_t sum_scale, int64_t count, int32_t scale) {
  auto value = DecimalAverage(*arrow::Decimal256::FromString(sum), sum_scale, count, scale);
  return value.ok() ? value->ToString(scale) : value.status().ToString();
}

TEST(DecimalAverageTest, RoundsTheExactQuotientHalfUpAwayFromZero) {
  EXPECT_EQ(Average("1000", 2, 3, 6), "3.333333");  // 10.00 / 3
  EXPECT_EQ(Average("2000", 2, 3, 6), "6.666667");  // 20.00 / 3
  EXPECT_EQ(Average("-2000", 2, 3, 6), "-6.666667");
  EXPECT_EQ(Average("1", 6, 2, 6), "0.000001");    // 0.0000005 rounds up
  EXPECT_EQ(Average("-1", 6, 2, 6), "-0.000001");  // and away from zero
  EXPECT_EQ(Average("2501", 4, 1, 2), "0.25");     // a smaller scale rounds too
  EXPECT_EQ(Average("2500", 4, 2, 2), "0.13");     // 0.125 -> 0.13
  // 38 digits at scale 2 and 4 more: past decimal128's digits, exact.
  EXPECT_EQ(Average("99999999999999999999999999999999999999", 2, 1, 6),
            "999999999999999999999999999999999999.990000");
}

}  // namespace
}  // namespace mortar
