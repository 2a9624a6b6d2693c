#include "mortar/core/wall_time.h"

#include <chrono>
#include <ctime>

namespace mortar {

std::string UtcNow(const char* format) {
  return UtcText(UnixSeconds(), format);
}

std::string UtcText(int64_t unix_seconds, const char* format) {
  auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::strftime(buffer, sizeof(buffer), format, &utc);
  return buffer;
}

int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace mortar
