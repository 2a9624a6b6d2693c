// Batches made on a thread of their own, one ahead of the caller: the next batch is
// read, merged or joined while the caller writes the one before. Not thread-safe
// itself; `next` runs on one thread at a time, never two.
#pragma once

#include <functional>
#include <future>

#include "mortar/core/batch.h"

namespace mortar::recipes {

class PrefetchedBatches {
 public:
  // `next` gives each batch, null at the end; it is not called again after the end or
  // an error.
  explicit PrefetchedBatches(std::function<Result<Batch>()> next) : next_(std::move(next)) {
    Fetch();
  }
  ~PrefetchedBatches() {
    if (coming_.valid()) coming_.wait();
  }
  PrefetchedBatches(const PrefetchedBatches&) = delete;
  PrefetchedBatches& operator=(const PrefetchedBatches&) = delete;

  Result<Batch> Next() {
    if (!coming_.valid()) return Batch();
    Result<Batch> batch = coming_.get();
    if (batch.ok() && *batch != nullptr) Fetch();
    return batch;
  }

 private:
  void Fetch() { coming_ = std::async(std::launch::async, next_); }
  std::function<Result<Batch>()> next_;
  std::future<Result<Batch>> coming_;
};

}  // namespace mortar::recipes
