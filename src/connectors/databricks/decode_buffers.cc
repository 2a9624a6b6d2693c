#include "connectors/databricks/decode_buffers.h"

#include <arrow/buffer.h>

#include <algorithm>

namespace mortar::databricks {

Result<std::shared_ptr<arrow::ResizableBuffer>> DecodeBuffers::Take(int64_t size) {
  // use_count 1: only this list holds it, and nothing else can take it from here. One
  // that a file grew past the bound while decompressing is let go.
  std::erase_if(kept_, [](const auto& kept) {
    return kept.use_count() == 1 && kept->capacity() > kMaxKeptBytes;
  });
  for (auto& kept : kept_) {
    if (kept.use_count() != 1 || kept->capacity() < size) continue;
    arrow::Status resized = kept->Resize(size, /*shrink_to_fit=*/false);
    if (!resized.ok())
      return Status::Internal("cannot reuse a result buffer: " + resized.message());
    return kept;
  }
  auto allocated = arrow::AllocateResizableBuffer(size);
  if (!allocated.ok()) {
    return Status::Internal("cannot allocate for a result file: " + allocated.status().message());
  }
  std::shared_ptr<arrow::ResizableBuffer> made = std::move(*allocated);
  if (size > kMaxKeptBytes) return made;
  // Room is made by dropping a buffer nobody holds (too small for this file), or else
  // the oldest: the batches that still hold it free it when they are done.
  if (kept_.size() >= kKept) {
    auto unused = std::find_if(kept_.begin(), kept_.end(),
                               [](const auto& kept) { return kept.use_count() == 1; });
    kept_.erase(unused != kept_.end() ? unused : kept_.begin());
  }
  kept_.push_back(made);
  return made;
}

}  // namespace mortar::databricks
