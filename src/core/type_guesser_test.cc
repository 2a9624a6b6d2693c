#include "mortar/core/type_guesser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mortar {
namespace {

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
