// Slows password guessing at /api/login: after kMaxFailures failed attempts for one
// user name, or kMaxFailuresPerAddress from one client address (higher: many users may
// come through one proxy), within kWindow, further attempts are refused until the
// window has passed. Each attempt costs a 64 MiB Argon2id hash, so at most
// kConcurrentChecks run at once, and at most kMaxWaitingChecks wait for their turn
// (each holds a server thread while it waits). Bounded memory; thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace mortar::server {

class LoginThrottle {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  static constexpr int kMaxFailures = 5;
  static constexpr int kMaxFailuresPerAddress = 50;
  static constexpr std::chrono::seconds kWindow{300};
  static constexpr int kConcurrentChecks = 2;
  static constexpr int kMaxWaitingChecks = 8;
  static constexpr std::size_t kMaxTracked = 10000;

  explicit LoginThrottle(Clock clock = [] { return std::chrono::steady_clock::now(); })
      : clock_(std::move(clock)) {}

  // Zero when an attempt for this user from this address may go ahead; otherwise the
  // seconds to wait.
  int64_t SecondsToWait(const std::string& user, const std::string& address);
  void Failed(const std::string& user, const std::string& address);
  void Succeeded(const std::string& user);
  // Logins waiting for a slot now.
  int waiting();

  // Holds one of the kConcurrentChecks slots while a password is checked, waiting for
  // one if need be. When kMaxWaitingChecks logins wait already, it holds none (held()
  // is false) at once: a burst of logins must not take every thread of the server.
  class Slot {
   public:
    explicit Slot(LoginThrottle& throttle);
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    bool held() const { return held_; }

   private:
    LoginThrottle& throttle_;
    bool held_ = false;
  };

 private:
  struct Failures {
    int count = 0;
    std::chrono::steady_clock::time_point since;
  };
  int64_t WaitFor(const std::string& key, int limit, std::chrono::steady_clock::time_point now);
  void Count(const std::string& key, std::chrono::steady_clock::time_point now);

  Clock clock_;
  std::mutex mutex_;
  std::condition_variable released_;
  int checking_ = 0;
  int waiting_ = 0;
  std::map<std::string, Failures> failures_;
};

}  // namespace mortar::server
