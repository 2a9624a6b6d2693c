// LZ4 frames (one, or several back to back as the last CloudFetch file of a result
// usually is) read as an Arrow input stream. Blocks are decompressed as reads reach
// them, each straight into a buffer with room for it (LZ4 otherwise decompresses into
// a buffer of its own and copies out), and a read that lies within one such buffer is
// handed over as a slice of it, not copied. So an Arrow IPC reader on top holds the
// messages it is reading, never the whole file decompressed. Internal to the
// connector. Used from one thread.
#pragma once

#include <arrow/io/interfaces.h>
#include <arrow/result.h>

#include <cstdint>
#include <memory>
#include <string>

#include "connectors/databricks/spare_buffers.h"
#include "mortar/core/result.h"

typedef struct LZ4F_dctx_s LZ4F_dctx;

namespace mortar::databricks {

class Lz4FrameInputStream final : public arrow::io::InputStream {
 public:
  // Reads `compressed`, refusing to decompress past `max_bytes` in all (a decompression
  // bomb's bound). Closed or destroyed, it gives `compressed`'s memory to `spares`, if
  // any (what it hands over is decompressed into memory of its own).
  static Result<std::shared_ptr<Lz4FrameInputStream>> Open(
      std::string compressed, int64_t max_bytes, std::shared_ptr<SpareBuffers> spares = nullptr);
  ~Lz4FrameInputStream() override;
  Lz4FrameInputStream(const Lz4FrameInputStream&) = delete;
  Lz4FrameInputStream& operator=(const Lz4FrameInputStream&) = delete;

  arrow::Status Close() override;
  bool closed() const override { return closed_; }
  arrow::Result<int64_t> Tell() const override { return position_; }
  // Fewer bytes than asked for only at the end of the last frame.
  arrow::Result<int64_t> Read(int64_t nbytes, void* out) override;
  arrow::Result<std::shared_ptr<arrow::Buffer>> Read(int64_t nbytes) override;

 private:
  Lz4FrameInputStream(std::string compressed, int64_t max_bytes, LZ4F_dctx* context,
                      std::shared_ptr<SpareBuffers> spares);
  void ReleaseInput();
  // One call of LZ4's with the input it asks for (a frame's header, or a block and the
  // next one's header), into `room` bytes at `into`; `room` becomes what it wrote.
  // False when nothing moved (the input ended).
  arrow::Result<bool> Step(uint8_t* into, std::size_t& room);
  // Decompresses the next block into a buffer of its own; none at the end.
  arrow::Status Fill();
  // Decompressed and not handed over yet.
  int64_t Available() const;

  std::string compressed_;
  std::shared_ptr<SpareBuffers> spares_;
  std::size_t consumed_ = 0;
  int64_t decompressed_ = 0;  // in all, against max_bytes_
  int64_t position_ = 0;      // handed over
  int64_t max_bytes_;
  LZ4F_dctx* context_;
  std::size_t hint_ = 0;  // LZ4's: 0 when a frame ended and all it held was handed over
  std::size_t frame_block_bytes_ = 0;     // the frame's largest block; 0 before its header
  std::shared_ptr<arrow::Buffer> block_;  // decompressed, handed over from block_position_
  int64_t block_position_ = 0;
  bool closed_ = false;
};

}  // namespace mortar::databricks
