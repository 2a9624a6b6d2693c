#include "mortar/core/progress.h"

#include <utility>

namespace mortar {

std::string FormatCount(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count > 0 && count % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    ++count;
  }
  return value < 0 ? "-" + out : out;
}

Progress::Progress(std::string label, Reporter report, std::chrono::milliseconds interval)
    : label_(std::move(label)),
      report_(std::move(report)),
      interval_(interval),
      start_(std::chrono::steady_clock::now()),
      last_report_(start_) {}

void Progress::Add(int64_t rows) {
  rows_ += rows;
  if (!report_) return;
  auto now = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock() || now - last_report_ < interval_) return;
  last_report_ = now;
  report_(Line());
}

void Progress::Finish() {
  if (report_) report_(Line());
}

std::string Progress::Line() const {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  int64_t done = rows_.load();
  std::string line = label_ + ": " + FormatCount(done) + " rows";
  if (seconds > 0.05) {
    line +=
        ", " + FormatCount(static_cast<int64_t>(static_cast<double>(done) / seconds)) + " rows/s";
  }
  return line;
}

}  // namespace mortar
