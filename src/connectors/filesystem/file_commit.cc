#include "connectors/filesystem/file_commit.h"

#include <unistd.h>

#include <random>

namespace mortar::filesystem {

namespace fs = std::filesystem;

FileCommit::FileCommit(fs::path target) : target_(std::move(target)) {
  std::random_device random;
  temporary_ =
      target_.parent_path() / ("." + target_.filename().string() + ".mortar-tmp-" +
                               std::to_string(::getpid()) + "-" + std::to_string(random()));
}

FileCommit::~FileCommit() {
  Abort();
}

Status FileCommit::Prepare() {
  std::error_code error;
  fs::create_directories(target_.parent_path(), error);
  if (error) {
    return Status::Invalid("cannot create folder " + target_.parent_path().string() + ": " +
                           error.message());
  }
  return Status::OK();
}

Status FileCommit::Commit() {
  std::error_code error;
  fs::rename(temporary_, target_, error);
  if (error) {
    Abort();
    return Status::Invalid("cannot replace " + target_.string() + ": " + error.message());
  }
  done_ = true;
  return Status::OK();
}

void FileCommit::Abort() {
  if (done_) return;
  std::error_code error;
  fs::remove(temporary_, error);
  done_ = true;
}

Status FileCommit::CloseAndCommit(const std::function<arrow::Status()>& close_format,
                                  arrow::io::OutputStream& stream) {
  arrow::Status closed = close_format();
  if (closed.ok()) closed = stream.Close();
  if (!closed.ok()) {
    CloseAndAbort(&stream);
    return WriteError(closed);
  }
  return Commit();
}

void FileCommit::CloseAndAbort(arrow::io::OutputStream* stream) {
  if (stream != nullptr && !stream->closed()) (void)stream->Close();
  Abort();
}

Status FileCommit::WriteError(const arrow::Status& status) const {
  return Status::Invalid("writing " + target_.string() + ": " + status.message());
}

}  // namespace mortar::filesystem
