#include "mortar/core/parse_integer.h"

#include <gtest/gtest.h>

namespace mortar {
namespace {

TEST(ParseIntegerTest, TakesTheWholeTextOrNothing) {
  EXPECT_EQ(ParseInteger("42"), 42);
  EXPECT_EQ(ParseInteger(" +7\n"), 7);
  EXPECT_EQ(ParseInteger("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(ParseInteger("42abc"), std::nullopt);
  EXPECT_EQ(ParseInteger(""), std::nullopt);
  EXPECT_EQ(ParseInteger("+"), std::nullopt);
  EXPECT_EQ(ParseInteger("1.5"), std::nullopt);
}

TEST(ParseIntegerTest, TooLargeIsNothingNotAnException) {
  EXPECT_EQ(ParseInteger("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseInteger("99999999999999999999999"), std::nullopt);
}

}  // namespace
}  // namespace mortar
