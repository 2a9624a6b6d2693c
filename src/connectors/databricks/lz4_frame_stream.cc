#include "connectors/databricks/lz4_frame_stream.h"

#include <arrow/buffer.h>
#include <lz4frame.h>

#include <algorithm>

namespace mortar::databricks {

Result<std::shared_ptr<Lz4FrameInputStream>> Lz4FrameInputStream::Open(
    std::string compressed, int64_t max_bytes, std::shared_ptr<SpareBuffers> spares) {
  LZ4F_dctx* context = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&context, LZ4F_VERSION))) {
    return Status::Internal("cannot create an LZ4 decompression context");
  }
  return std::shared_ptr<Lz4FrameInputStream>(
      new Lz4FrameInputStream(std::move(compressed), max_bytes, context, std::move(spares)));
}

Lz4FrameInputStream::Lz4FrameInputStream(std::string compressed, int64_t max_bytes,
                                         LZ4F_dctx* context, std::shared_ptr<SpareBuffers> spares)
    : compressed_(std::move(compressed)),
      spares_(std::move(spares)),
      max_bytes_(max_bytes),
      context_(context) {}

Lz4FrameInputStream::~Lz4FrameInputStream() {
  ReleaseInput();
  LZ4F_freeDecompressionContext(context_);
}

arrow::Status Lz4FrameInputStream::Close() {
  closed_ = true;
  ReleaseInput();
  return arrow::Status::OK();
}

void Lz4FrameInputStream::ReleaseInput() {
  if (spares_) {
    spares_->Give(std::move(compressed_));
  }
  std::string().swap(compressed_);
  consumed_ = 0;
}

arrow::Result<int64_t> Lz4FrameInputStream::Read(int64_t nbytes, void* out) {
  if (closed_) return arrow::Status::Invalid("the LZ4 stream is closed");
  auto* into = static_cast<uint8_t*>(out);
  int64_t read = 0;
  while (read < nbytes) {
    // A frame ended (everything it held handed over) and no other follows.
    if (consumed_ == compressed_.size() && hint_ == 0) break;
    auto out_size = static_cast<std::size_t>(nbytes - read);
    std::size_t in_size = compressed_.size() - consumed_;
    // With no input left LZ4 still hands over what it decompressed ahead.
    std::size_t hint = LZ4F_decompress(context_, into + read, &out_size,
                                       compressed_.data() + consumed_, &in_size, nullptr);
    if (LZ4F_isError(hint)) {
      return arrow::Status::IOError("cannot decompress an LZ4 result: ", LZ4F_getErrorName(hint));
    }
    hint_ = hint;
    consumed_ += in_size;
    read += static_cast<int64_t>(out_size);
    produced_ += static_cast<int64_t>(out_size);
    if (produced_ > max_bytes_) {
      return arrow::Status::IOError("an LZ4 result decompresses to more than ", max_bytes_ >> 20,
                                    " MiB; refused (a result file or page is far smaller)");
    }
    if (in_size == 0 && out_size == 0) break;
  }
  if (read < nbytes && hint_ != 0) {
    return arrow::Status::IOError("an LZ4 result ends in the middle of a frame");
  }
  return read;
}

arrow::Result<std::shared_ptr<arrow::Buffer>> Lz4FrameInputStream::Read(int64_t nbytes) {
  // What the caller asks for comes from the stream itself (an IPC message's length):
  // allocated only as far as the rest of the input could decompress (LZ4 compresses at
  // most about 255 to 1, plus a block LZ4 holds decompressed ahead).
  int64_t could = static_cast<int64_t>(compressed_.size() - consumed_) * 255 + (4 << 20);
  int64_t size = std::max<int64_t>(0, std::min({nbytes, could, max_bytes_ - produced_ + 1}));
  ARROW_ASSIGN_OR_RAISE(auto buffer, arrow::AllocateResizableBuffer(size));
  ARROW_ASSIGN_OR_RAISE(int64_t read, Read(size, buffer->mutable_data()));
  if (read < size) ARROW_RETURN_NOT_OK(buffer->Resize(read, /*shrink_to_fit=*/true));
  return std::shared_ptr<arrow::Buffer>(std::move(buffer));
}

}  // namespace mortar::databricks
