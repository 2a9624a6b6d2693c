#include "mortar/core/interrupt.h"

#include <gtest/gtest.h>

#include <thread>

namespace mortar {
namespace {

TEST(InterruptTest, CleanUpAfterAnInterruptionIsNotInterruptedInItsTurn) {
  EXPECT_TRUE(StopIfInterrupted().ok());
  InterruptRequested() = true;
  EXPECT_TRUE(InterruptPending());
  EXPECT_EQ(StopIfInterrupted().code(), ErrorCode::kCancelled);
  {
    CleanupScope cleanup;
    EXPECT_FALSE(InterruptPending());
    EXPECT_TRUE(StopIfInterrupted().ok());
    {
      CleanupScope nested;
      EXPECT_FALSE(InterruptPending());
    }
    EXPECT_FALSE(InterruptPending());
    // Only the cleaning thread: other work still stops.
    bool elsewhere = false;
    std::thread([&] { elsewhere = InterruptPending(); }).join();
    EXPECT_TRUE(elsewhere);
  }
  EXPECT_TRUE(InterruptPending());
  InterruptRequested() = false;
  EXPECT_FALSE(InterruptPending());
}

}  // namespace
}  // namespace mortar
