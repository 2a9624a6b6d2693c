#include "connectors/databricks/lz4_frame_stream.h"

#include <arrow/buffer.h>
#include <lz4frame.h>

#include <algorithm>
#include <cstring>

namespace mortar::databricks {

namespace {

constexpr std::size_t kMaxBlockBytes = std::size_t{4} << 20;  // LZ4's largest block

std::size_t BlockBytes(LZ4F_blockSizeID_t id) {
  switch (id) {
    case LZ4F_max256KB:
      return std::size_t{256} << 10;
    case LZ4F_max1MB:
      return std::size_t{1} << 20;
    case LZ4F_max4MB:
      return kMaxBlockBytes;
    default:
      return std::size_t{64} << 10;  // LZ4F_max64KB, and LZ4's default
  }
}

}  // namespace

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
  block_.reset();
}

int64_t Lz4FrameInputStream::Available() const {
  return block_ ? block_->size() - block_position_ : 0;
}

arrow::Result<bool> Lz4FrameInputStream::Step(uint8_t* into, std::size_t& room) {
  std::size_t in_size = std::min(compressed_.size() - consumed_,
                                 hint_ != 0 ? hint_ : std::size_t{LZ4F_HEADER_SIZE_MIN});
  std::size_t hint =
      LZ4F_decompress(context_, into, &room, compressed_.data() + consumed_, &in_size, nullptr);
  if (LZ4F_isError(hint)) {
    return arrow::Status::IOError("cannot decompress an LZ4 result: ", LZ4F_getErrorName(hint));
  }
  hint_ = hint;
  consumed_ += in_size;
  decompressed_ += static_cast<int64_t>(room);
  if (decompressed_ > max_bytes_) {
    return arrow::Status::IOError("an LZ4 result decompresses to more than ", max_bytes_ >> 20,
                                  " MiB; refused (a result file or page is far smaller)");
  }
  if (hint_ == 0) frame_block_bytes_ = 0;  // the frame ended
  return in_size != 0 || room != 0;
}

arrow::Status Lz4FrameInputStream::Fill() {
  block_.reset();
  block_position_ = 0;
  std::unique_ptr<arrow::ResizableBuffer> buffer;
  while (!(consumed_ == compressed_.size() && hint_ == 0)) {  // until the last frame ends
    if (frame_block_bytes_ == 0) {
      // At a frame's start: its header, which says how large the frame's blocks are
      // (asked once: asking LZ4 again between blocks would have it copy the next one).
      uint8_t nowhere = 0;
      std::size_t room = 0;
      ARROW_ASSIGN_OR_RAISE(bool moved, Step(&nowhere, room));
      if (!moved) break;  // the input ends inside a header
      LZ4F_frameInfo_t frame{};
      std::size_t none = 0;
      if (hint_ != 0 && !LZ4F_isError(LZ4F_getFrameInfo(context_, &frame, nullptr, &none)))
        frame_block_bytes_ = BlockBytes(frame.blockSizeID);
      continue;
    }
    // A block, straight into a buffer with room for the largest the frame has.
    std::size_t room = frame_block_bytes_;
    if (!buffer || static_cast<std::size_t>(buffer->size()) < room) {
      ARROW_ASSIGN_OR_RAISE(buffer, arrow::AllocateResizableBuffer(static_cast<int64_t>(room)));
    }
    ARROW_ASSIGN_OR_RAISE(bool moved, Step(buffer->mutable_data(), room));
    if (!moved) break;  // the input ends inside a frame
    if (room > 0) {
      ARROW_RETURN_NOT_OK(buffer->Resize(static_cast<int64_t>(room), /*shrink_to_fit=*/false));
      block_ = std::move(buffer);
      break;
    }
  }
  return arrow::Status::OK();
}

arrow::Result<int64_t> Lz4FrameInputStream::Read(int64_t nbytes, void* out) {
  if (closed_) return arrow::Status::Invalid("the LZ4 stream is closed");
  auto* into = static_cast<uint8_t*>(out);
  int64_t read = 0;
  while (read < nbytes) {
    if (Available() == 0) {
      ARROW_RETURN_NOT_OK(Fill());
      if (Available() == 0) break;  // the end
    }
    int64_t piece = std::min(nbytes - read, Available());
    std::memcpy(into + read, block_->data() + block_position_, static_cast<std::size_t>(piece));
    block_position_ += piece;
    read += piece;
  }
  position_ += read;
  if (read < nbytes && hint_ != 0) {
    return arrow::Status::IOError("an LZ4 result ends in the middle of a frame");
  }
  return read;
}

arrow::Result<std::shared_ptr<arrow::Buffer>> Lz4FrameInputStream::Read(int64_t nbytes) {
  if (closed_) return arrow::Status::Invalid("the LZ4 stream is closed");
  nbytes = std::max<int64_t>(0, nbytes);
  if (Available() == 0) ARROW_RETURN_NOT_OK(Fill());
  if (nbytes <= Available()) {  // within one decompressed buffer: a slice of it
    auto slice = arrow::SliceBuffer(block_, block_position_, nbytes);
    block_position_ += nbytes;
    position_ += nbytes;
    return slice;
  }
  // Across buffers, copied into one. What the caller asks for comes from the stream
  // itself (an IPC message's length): allocated only as far as the rest of the input
  // could decompress (LZ4 compresses at most about 255 to 1).
  int64_t could = Available() + static_cast<int64_t>(compressed_.size() - consumed_) * 255 +
                  static_cast<int64_t>(kMaxBlockBytes);
  int64_t size = std::max<int64_t>(0, std::min({nbytes, could, max_bytes_ - position_ + 1}));
  ARROW_ASSIGN_OR_RAISE(auto buffer, arrow::AllocateResizableBuffer(size));
  ARROW_ASSIGN_OR_RAISE(int64_t read, Read(size, buffer->mutable_data()));
  if (read < size) ARROW_RETURN_NOT_OK(buffer->Resize(read, /*shrink_to_fit=*/true));
  return std::shared_ptr<arrow::Buffer>(std::move(buffer));
}

}  // namespace mortar::databricks
