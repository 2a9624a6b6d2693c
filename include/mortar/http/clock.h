// Clock: time and sleeping behind an interface, so retries are tested without sleeping.
#pragma once

#include <chrono>

namespace mortar::http {

// Implementations used across threads must be thread-safe; SystemClock() is.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point Now() = 0;
  // Wall time, for Retry-After given as an HTTP date.
  virtual std::chrono::system_clock::time_point WallNow() = 0;
  virtual void SleepFor(std::chrono::milliseconds duration) = 0;
};

// The real clocks and std::this_thread::sleep_for. Stateless and thread-safe.
Clock& SystemClock();

}  // namespace mortar::http
