#include "connectors/s3/s3_object_file.h"

#include <arrow/buffer.h>

#include <algorithm>
#include <cstring>

namespace mortar::s3 {

arrow::Status S3ObjectFile::Close() {
  closed_ = true;
  return arrow::Status::OK();
}

arrow::Status S3ObjectFile::Seek(int64_t position) {
  if (position < 0) return arrow::Status::Invalid("negative position in ", key_);
  position_ = position;
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::Buffer>> S3ObjectFile::ReadAt(int64_t position,
                                                                   int64_t nbytes) {
  int64_t length = std::max<int64_t>(0, std::min(nbytes, size_ - position));
  if (length == 0) return arrow::Buffer::FromString(std::string());
  auto bytes = client_.GetRange(key_, position, length);
  if (!bytes.ok()) return arrow::Status::IOError(bytes.status().message());
  if (static_cast<int64_t>(bytes->size()) != length) {
    return arrow::Status::IOError("connection '", client_.settings().connection, "': reading ",
                                  key_, " returned ", bytes->size(), " bytes instead of ", length,
                                  "; was the object replaced while it was read?");
  }
  return arrow::Buffer::FromString(std::move(*bytes));
}

arrow::Result<int64_t> S3ObjectFile::ReadAt(int64_t position, int64_t nbytes, void* out) {
  ARROW_ASSIGN_OR_RAISE(auto buffer, ReadAt(position, nbytes));
  if (buffer->size() > 0)
    std::memcpy(out, buffer->data(), static_cast<std::size_t>(buffer->size()));
  return buffer->size();
}

arrow::Result<int64_t> S3ObjectFile::Read(int64_t nbytes, void* out) {
  ARROW_ASSIGN_OR_RAISE(int64_t read, ReadAt(position_, nbytes, out));
  position_ += read;
  return read;
}

arrow::Result<std::shared_ptr<arrow::Buffer>> S3ObjectFile::Read(int64_t nbytes) {
  ARROW_ASSIGN_OR_RAISE(auto buffer, ReadAt(position_, nbytes));
  position_ += buffer->size();
  return buffer;
}

}  // namespace mortar::s3
