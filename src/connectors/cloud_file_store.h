// What the file stores of cloud connections (S3, Azure Blob) share: the checks on a
// dataset's path, which objects under a prefix are a folder's data files, an object
// read as an Arrow random-access file through ranged requests, and a file replaced by
// uploading a local file whole on Commit.
#pragma once

#include <arrow/io/interfaces.h>
#include <arrow/result.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mortar/connectors/connection.h"

namespace mortar {

// A path names a key or folder inside the bucket or container: relative, no '..'.
Status CheckCloudPath(const std::string& connection, const std::string& path);

// Every object whose name starts with `prefix`.
using PrefixLister = std::function<Result<std::vector<StoredFile>>(const std::string& prefix)>;

// A dataset's files: lists the objects under `path` (without its trailing '/') and
// keeps the object at `path` itself when there is one, else the data files directly in
// the folder (names that start with '.' or '_' skipped, as Spark does), in name order.
Result<std::vector<StoredFile>> FolderFiles(const std::string& path, const PrefixLister& list);

// Reads `length` bytes at `offset` of one object (a ranged GET).
using RangeReader = std::function<Result<std::string>(int64_t offset, int64_t length)>;

// Writes an object of `size` bytes into a local file, `chunk` bytes a request
// (bounded memory).
Status DownloadInRanges(const RangeReader& read, int64_t size, int64_t chunk,
                        const std::filesystem::path& file);

// An object as an Arrow random-access file: every read is a ranged request, so Parquet
// footers and column chunks, or CSV read-ahead blocks, come without downloading the
// whole object. Reads at an offset are thread-safe (each is its own request); Read
// and Seek keep a position and are not.
class RangedFile final : public arrow::io::RandomAccessFile {
 public:
  RangedFile(RangeReader read, std::string where, int64_t size)
      : read_(std::move(read)), where_(std::move(where)), size_(size) {}

  arrow::Status Close() override;
  bool closed() const override { return closed_; }
  arrow::Result<int64_t> Tell() const override { return position_; }
  arrow::Status Seek(int64_t position) override;
  arrow::Result<int64_t> GetSize() override { return size_; }
  arrow::Result<int64_t> Read(int64_t nbytes, void* out) override;
  arrow::Result<std::shared_ptr<arrow::Buffer>> Read(int64_t nbytes) override;
  arrow::Result<int64_t> ReadAt(int64_t position, int64_t nbytes, void* out) override;
  arrow::Result<std::shared_ptr<arrow::Buffer>> ReadAt(int64_t position, int64_t nbytes) override;

 private:
  RangeReader read_;
  std::string where_;  // "connection 'lake': data/x.csv", for messages
  int64_t size_;
  int64_t position_ = 0;
  bool closed_ = false;
};

// Starts replacing the object at `path`: the writer fills a local file in a private
// temporary folder, and Commit uploads it whole (a multipart upload or block list
// makes the object appear in one step; nothing is visible before). keep_content: the
// local file starts as a download of the current object (none when there is none).
Result<std::unique_ptr<FileReplacement>> ReplaceByUpload(
    const std::string& path, bool keep_content,
    std::function<Status(const std::filesystem::path& local)> upload,
    const std::function<Status(const std::filesystem::path& local)>& download);

}  // namespace mortar
