// The log of one job: timestamped lines in <home>/jobs/<id>/log.txt, echoed to the
// terminal (stderr) when asked. Thread-safe.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

#include "mortar/core/progress.h"
#include "mortar/core/result.h"

namespace mortar {

// The job a failed build belongs to and the log that tells what happened.
class JobDetail final : public StatusDetail {
 public:
  JobDetail(std::string job, std::string log) : job(std::move(job)), log(std::move(log)) {}
  std::string ToString() const override { return "job=" + job + ", log=" + log; }

  std::string job;
  std::string log;
};

class JobLog {
 public:
  // A log with no file (tests, previews).
  JobLog() = default;
  static Result<std::unique_ptr<JobLog>> Create(const std::filesystem::path& jobs_dir,
                                                const std::string& label, bool echo);

  const std::string& id() const { return id_; }
  const std::filesystem::path& path() const { return path_; }
  void Info(const std::string& line);
  void Error(const std::string& line);
  // A progress meter whose reports go to the terminal (when echoing) and the log.
  std::unique_ptr<Progress> StartProgress(const std::string& label);

 private:
  void Write(const std::string& level, const std::string& line);
  std::string id_;
  std::filesystem::path path_;
  std::ofstream file_;
  bool echo_ = false;
  bool tty_ = false;
  std::mutex mutex_;
};

}  // namespace mortar
