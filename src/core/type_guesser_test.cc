#include "mortar/core/type_guesser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mortar {
namespace {

// The type guessed from `values`, as text.
std::string Guess(const std::vector<std::string>& values) {
  TypeGuesser guesser;
  for (const auto& value : values) guesser.Observe(value);
  return guesser.Guess().ToString();
}

TEST(TypeGuesserTest, PicksTheNarrowestType) {
  EXPECT_EQ(Guess({"1", "2", ""}), "int64");
  EXPECT_EQ(Guess({"1", "2.5"}), "double");
  EXPECT_EQ(Guess({"true", "FALSE"}), "boolean");
  EXPECT_EQ(Guess({"2024-01-01", "2024-12-31"}), "date");
  EXPECT_EQ(Guess({"2024-01-01 10:00:00", "2024-01-02"}), "timestamp_ntz");
  EXPECT_EQ(Guess({"2024-01-01T10:00:00Z"}), "timestamp");
  EXPECT_EQ(Guess({"1", "x"}), "string");
  EXPECT_EQ(Guess({}), "string");
}

// A double holds 15 significant digits whatever they are: a column with a number of
// more, written in fixed point, is a decimal wide enough for every value.
TEST(TypeGuesserTest, FixedPointNumbersBeyondADoubleAreDecimals) {
  EXPECT_EQ(Guess({"12345678901234567890123456.78", "1.5", ""}), "decimal(28,2)");
  EXPECT_EQ(Guess({"-0.0000000000000001234567890123456"}), "decimal(31,31)");
  EXPECT_EQ(Guess({"99999999999999999999", "1"}), "decimal(20,0)");  // beyond int64
  EXPECT_EQ(Guess({"+0012345678901234.56"}), "decimal(16,2)");
  // Fifteen digits, or trailing zeros, survive a double.
  EXPECT_EQ(Guess({"1234567890123.45", "0.1"}), "double");
  EXPECT_EQ(Guess({"1.5000000000000000000000"}), "double");
  EXPECT_EQ(Guess({"0.000000000000000000001"}), "double");
  // An exponent, or a value no decimal(38) holds, keeps the column a double.
  EXPECT_EQ(Guess({"12345678901234567890.5", "1e5"}), "double");
  EXPECT_EQ(Guess({"123456789012345678901234567890.123456789"}), "double");
  EXPECT_EQ(Guess({"1.", "12345678901234567890.5"}), "double");
}

}  // namespace
}  // namespace mortar
