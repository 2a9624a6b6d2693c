// Progress of a long step: rows done and the rate, shown on the terminal and written
// to the job log. Thread-safe: Add() may be called from worker threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace mortar {

class Progress {
 public:
  // `report` is called at most every `interval` with a line such as
  // "sync orders: 1,250,000 rows, 410,000 rows/s".
  using Reporter = std::function<void(const std::string& line)>;
  Progress(std::string label, Reporter report,
           std::chrono::milliseconds interval = std::chrono::milliseconds(1000));

  void Add(int64_t rows);
  int64_t rows() const { return rows_.load(); }
  // Reports the final count once.
  void Finish();
  std::string Line() const;

 private:
  std::string label_;
  Reporter report_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<int64_t> rows_{0};
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_report_;
};

// "1,234,567"
std::string FormatCount(int64_t value);

}  // namespace mortar
