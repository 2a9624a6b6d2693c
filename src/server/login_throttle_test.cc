#include "server/login_throttle.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

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

// Found by bench/serve_load.py: logins waiting for an Argon2 slot held most of the
// server's threads. Past kMaxWaitingChecks waiting, a login is turned away at once.
TEST(LoginThrottleTest, OnlyAFewLoginsWaitForTheirTurn) {
  LoginThrottle throttle;
  std::vector<std::unique_ptr<LoginThrottle::Slot>> checking;
  for (int i = 0; i < LoginThrottle::kConcurrentChecks; ++i) {
    checking.push_back(std::make_unique<LoginThrottle::Slot>(throttle));
    ASSERT_TRUE(checking.back()->held());
  }
  std::atomic<int> waited{0};
  std::vector<std::thread> waiting;
  for (int i = 0; i < LoginThrottle::kMaxWaitingChecks; ++i) {
    waiting.emplace_back([&] {
      LoginThrottle::Slot slot(throttle);
      waited += slot.held();
    });
  }
  // Once every waiter waits, the next login is turned away without waiting.
  while (throttle.waiting() < LoginThrottle::kMaxWaitingChecks) std::this_thread::yield();
  EXPECT_FALSE(LoginThrottle::Slot(throttle).held());
  checking.clear();  // the checks end: every waiter gets its turn
  for (auto& thread : waiting) thread.join();
  EXPECT_EQ(waited, LoginThrottle::kMaxWaitingChecks);
  EXPECT_TRUE(LoginThrottle::Slot(throttle).held());
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
