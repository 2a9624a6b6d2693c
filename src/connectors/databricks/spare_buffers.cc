#include "connectors/databricks/spare_buffers.h"

#include <utility>

namespace mortar::databricks {

std::string SpareBuffers::Take() {
  std::lock_guard lock(mutex_);
  if (spares_.empty()) return {};
  std::string buffer = std::move(spares_.back());
  spares_.pop_back();
  return buffer;
}

void SpareBuffers::Give(std::string buffer) {
  buffer.clear();
  if (buffer.capacity() <= std::string().capacity()) return;  // no memory of its own
  std::lock_guard lock(mutex_);
  if (spares_.size() < keep_) spares_.push_back(std::move(buffer));
}

}  // namespace mortar::databricks
