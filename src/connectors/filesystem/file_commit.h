// A file written beside its target and renamed over it on commit, so readers see the
// old file or the new one, never a half-written one.
#pragma once

#include <arrow/io/interfaces.h>
#include <arrow/status.h>

#include <filesystem>
#include <functional>
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

  // For the file writers (CSV, Parquet): closes the format's writer (close_format)
  // and then `stream`, and commits; when a close fails, aborts and says so.
  Status CloseAndCommit(const std::function<arrow::Status()>& close_format,
                        arrow::io::OutputStream& stream);
  // Closes `stream` if it is open (its error does not matter: the file is dropped)
  // and aborts.
  void CloseAndAbort(arrow::io::OutputStream* stream);
  // "writing <target>: <what Arrow said>"
  Status WriteError(const arrow::Status& status) const;

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  bool done_ = false;
};

}  // namespace mortar::filesystem
