// An exclusive or shared flock on a file of its own, released on destruction: for
// read-modify-write of the security files across processes. flock locks belong to the
// open file, so threads of one process exclude each other too.
#pragma once

#include <filesystem>

#include "mortar/core/result.h"

namespace mortar::security {

class FileLock {
 public:
  static Result<FileLock> Acquire(const std::filesystem::path& path, bool exclusive);
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace mortar::security
