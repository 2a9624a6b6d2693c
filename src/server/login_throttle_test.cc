#include "server/login_throttle.h"

#include <gtest/gtest.h>

namespace mortar::server {
namespace {

TEST(LoginThrottleTest, FailuresForAUserOrFromAnAddressAreSlowedForTheWindow) {
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  LoginThrottle throttle([&] { return now; });
  for (int i = 0; i < LoginThrottle::kMaxFailures; ++i) {
    EXPECT_EQ(throttle.SecondsToWait("alice", "10.0.0.1"), 0);
    throttle.Failed("alice", "10.0.0.1");
  }
  EXPECT_EQ(throttle.SecondsToWait("alice", "10.0.0.2"), 300);  // the user, from anywhere
  EXPECT_EQ(throttle.SecondsToWait("bob", "10.0.0.1"), 0);      // others from that address
  for (int i = 0; i < LoginThrottle::kMaxFailuresPerAddress; ++i)
    throttle.Failed("user" + std::to_string(i), "10.0.0.1");
  EXPECT_EQ(throttle.SecondsToWait("bob", "10.0.0.1"), 300);  // until the address is blocked
  EXPECT_EQ(throttle.SecondsToWait("bob", "10.0.0.2"), 0);
  now += std::chrono::seconds(200);
  EXPECT_EQ(throttle.SecondsToWait("alice", "10.0.0.2"), 100);
  now += std::chrono::seconds(100);
  EXPECT_EQ(throttle.SecondsToWait("alice", "10.0.0.1"), 0);
}

TEST(LoginThrottleTest, ASuccessClearsTheUsersCount) {
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  LoginThrottle throttle([&] { return now; });
  for (int i = 0; i < LoginThrottle::kMaxFailures - 1; ++i)
    throttle.Failed("alice", "a" + std::to_string(i));
  throttle.Succeeded("alice");
  throttle.Failed("alice", "z");
  EXPECT_EQ(throttle.SecondsToWait("alice", "y"), 0);
}

TEST(LoginThrottleTest, TrackedNamesAreBounded) {
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  LoginThrottle throttle([&] { return now; });
  for (std::size_t i = 0; i < LoginThrottle::kMaxTracked + 10; ++i) {
    throttle.Failed("user" + std::to_string(i), "same");
  }
  EXPECT_GT(throttle.SecondsToWait("anyone", "same"), 0);
}

}  // namespace
}  // namespace mortar::server
