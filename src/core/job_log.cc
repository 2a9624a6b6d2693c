#include "mortar/core/job_log.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <random>

#include "mortar/core/wall_time.h"

namespace mortar {

Result<std::unique_ptr<JobLog>> JobLog::Create(const std::filesystem::path& jobs_dir,
                                               const std::string& label, bool echo) {
  auto log = std::make_unique<JobLog>();
  std::random_device random;
  log->id_ = UtcNow("%Y%m%d-%H%M%S") + "-" + label + "-" + std::to_string(random() % 100000);
  std::error_code error;
  std::filesystem::create_directories(jobs_dir / log->id_, error);
  if (error) return Status::Invalid("cannot create the job folder: " + error.message());
  log->path_ = jobs_dir / log->id_ / "log.txt";
  log->file_.open(log->path_, std::ios::app);
  log->echo_ = echo;
  log->tty_ = ::isatty(STDERR_FILENO) != 0;
  return log;
}

void JobLog::Write(const std::string& level, const std::string& line) {
  std::lock_guard lock(mutex_);
  if (file_.is_open()) {
    file_ << UtcNow("%Y-%m-%dT%H:%M:%SZ") << " " << level << " " << line << "\n";
    file_.flush();
  }
  if (echo_) {
    if (tty_) std::cerr << "\r\033[K";
    std::cerr << line << "\n";
  }
}

void JobLog::Info(const std::string& line) {
  Write("INFO", line);
}
void JobLog::Error(const std::string& line) {
  Write("ERROR", line);
}

std::unique_ptr<Progress> JobLog::StartProgress(const std::string& label) {
  return std::make_unique<Progress>(label, [this](const std::string& line) {
    {
      std::lock_guard lock(mutex_);
      if (file_.is_open()) {
        file_ << UtcNow("%Y-%m-%dT%H:%M:%SZ") << " PROGRESS " << line << "\n";
        file_.flush();
      }
    }
    if (echo_ && tty_) {
      std::cerr << "\r\033[K" << line << std::flush;
    }
  });
}

}  // namespace mortar
