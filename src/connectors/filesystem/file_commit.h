// A file written beside its target and renamed over it on commit, so readers see the
// old file or the new one, never a half-written one.
#pragma once

#include <filesystem>
#include <string>

#include "mortar/core/status.h"

namespace mortar::filesystem {

class FileCommit {
 public:
  explicit FileCommit(std::filesystem::path target);
  ~FileCommit();
  FileCommit(const FileCommit&) = delete;
  FileCommit& operator=(const FileCommit&) = delete;

  const std::filesystem::path& temporary() const { return temporary_; }
  const std::filesystem::path& target() const { return target_; }
  Status Prepare();  // creates the parent folder
  Status Commit();   // renames the temporary file over the target
  void Abort();      // removes the temporary file

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  bool done_ = false;
};

}  // namespace mortar::filesystem
