// An S3 object as an Arrow random-access file: every read is a ranged GET, so Parquet
// footers and column chunks, or CSV read-ahead blocks, come without downloading the
// whole object. Reads at an offset are thread-safe (each is its own request); Read
// and Seek keep a position and are not.
#pragma once

#include <arrow/io/interfaces.h>
#include <arrow/result.h>

#include <string>

#include "connectors/s3/s3_client.h"

namespace mortar::s3 {

class S3ObjectFile final : public arrow::io::RandomAccessFile {
 public:
  S3ObjectFile(S3Client client, std::string key, int64_t size)
      : client_(std::move(client)), key_(std::move(key)), size_(size) {}

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
  S3Client client_;
  std::string key_;
  int64_t size_;
  int64_t position_ = 0;
  bool closed_ = false;
};

}  // namespace mortar::s3
