#include "server/login_throttle.h"

namespace mortar::server {

int64_t LoginThrottle::WaitFor(const std::string& key, int limit,
                               std::chrono::steady_clock::time_point now) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  if (now - it->second.since >= kWindow) {
    failures_.erase(it);
    return 0;
  }
  if (it->second.count < limit) return 0;
  auto left = std::chrono::duration_cast<std::chrono::seconds>(kWindow - (now - it->second.since));
  return std::max<int64_t>(1, left.count());
}

void LoginThrottle::Count(const std::string& key, std::chrono::steady_clock::time_point now) {
  if (failures_.size() >= kMaxTracked) {
    // Forget the expired first, then one that blocks nothing yet, else the oldest: a
    // flood of new names does not free a blocked one.
    std::erase_if(failures_,
                  [&](const auto& entry) { return now - entry.second.since >= kWindow; });
    if (failures_.size() >= kMaxTracked) {
      auto victim = failures_.begin();
      for (auto it = failures_.begin(); it != failures_.end(); ++it) {
        if (it->second.count < kMaxFailures) {
          victim = it;
          break;
        }
        if (it->second.since < victim->second.since) victim = it;
      }
      failures_.erase(victim);
    }
  }
  Failures& entry = failures_[key];
  if (entry.count == 0 || now - entry.since >= kWindow) entry = Failures{0, now};
  ++entry.count;
}

int64_t LoginThrottle::SecondsToWait(const std::string& user, const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto now = clock_();
  return std::max(WaitFor("user " + user, kMaxFailures, now),
                  WaitFor("address " + address, kMaxFailuresPerAddress, now));
}

void LoginThrottle::Failed(const std::string& user, const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto now = clock_();
  Count("user " + user, now);
  Count("address " + address, now);
}

void LoginThrottle::Succeeded(const std::string& user) {
  std::lock_guard<std::mutex> lock(mutex_);
  failures_.erase("user " + user);
}

int LoginThrottle::waiting() {
  std::lock_guard<std::mutex> lock(mutex_);
  return waiting_;
}

LoginThrottle::Slot::Slot(LoginThrottle& throttle) : throttle_(throttle) {
  std::unique_lock<std::mutex> lock(throttle_.mutex_);
  if (throttle_.checking_ >= kConcurrentChecks && throttle_.waiting_ >= kMaxWaitingChecks) return;
  ++throttle_.waiting_;
  throttle_.released_.wait(lock, [&] { return throttle_.checking_ < kConcurrentChecks; });
  --throttle_.waiting_;
  ++throttle_.checking_;
  held_ = true;
}

LoginThrottle::Slot::~Slot() {
  if (!held_) return;
  {
    std::lock_guard<std::mutex> lock(throttle_.mutex_);
    --throttle_.checking_;
  }
  throttle_.released_.notify_one();
}

}  // namespace mortar::server
