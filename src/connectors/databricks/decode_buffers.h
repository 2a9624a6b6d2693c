// Buffers that CloudFetch files decompress into, kept from one file to the next. A
// fresh buffer of tens of MiB is a fresh mapping whose every page the kernel faults in
// and zeroes, and the allocator hands it back soon after: a third of a large read's CPU.
// A kept buffer that no batch refers to any more is written over instead. At most
// `kKept` are kept, each at most `kMaxKeptBytes`, so what stays held is bounded. Used
// from one thread; the batches that hold a buffer may be released on any.
#pragma once

#include <memory>
#include <vector>

#include "mortar/core/result.h"

namespace arrow {
class ResizableBuffer;
}

namespace mortar::databricks {

class DecodeBuffers {
 public:
  // Two: the file being handed over may still be read while the next one decodes.
  static constexpr std::size_t kKept = 2;
  static constexpr int64_t kMaxKeptBytes = int64_t{256} << 20;

  // A buffer of `size` bytes, contents undefined: a kept one nobody else holds, else a
  // new one (kept if it is small enough and there is room).
  Result<std::shared_ptr<arrow::ResizableBuffer>> Take(int64_t size);

 private:
  std::vector<std::shared_ptr<arrow::ResizableBuffer>> kept_;
};

}  // namespace mortar::databricks
