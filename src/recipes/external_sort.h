// Sorting more rows than memory holds, for the local engine's sort and window
// recipes. Batches are held up to a byte bound; each time the bound is passed the held
// rows are sorted (Arrow's SortIndices) and spilled as one sorted run, an Arrow IPC
// file in a scratch folder readable by this user only, on a second thread while the
// input is read on; at the end the runs are merged a batch at a time, one batch ahead
// of the reader on that thread (with more runs than merge_fan_in, in passes). Rows
// that never pass the bound are sorted in memory and never touch the disk. The sort is stable: ties
// keep their input order. Nulls go first or last as each key says; NaN is above every number, as
// Spark orders it.
#pragma once

#include <arrow/api.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mortar/core/result.h"

namespace mortar::recipes {

struct SortKeyColumn {
  int column = 0;  // index in the sorted batches' schema
  bool descending = false;
  bool nulls_first = false;
};

struct SortBounds {
  // Bytes of input in each sorted run. Memory holds about four times this at most: the
  // rows being read, and the last run as it is sorted (copied, then taken in order) on a
  // thread of its own; or, in the merge, a batch of each run (runs are written in
  // batches of memory_bytes / merge_fan_in) and a batch of output or two.
  int64_t memory_bytes = int64_t{64} << 20;
  // Rows in each batch of the output at most; fewer when they would pass memory_bytes
  // (at the input's average row width).
  int64_t batch_rows = int64_t{1} << 16;
  // Runs merged at once (each an open file). With more, groups of this many are first
  // merged into longer runs, pass after pass.
  int merge_fan_in = 64;
};

// Whether ExternalSort can order a column of this type (numbers, decimals, dates,
// times, booleans, text and binary; not nested values).
bool CanSortBy(const arrow::DataType& type);

// Compares rows of batches of one schema by sort keys, as ExternalSort orders them;
// two nulls (or two NaNs) are equal.
class RowOrder {
 public:
  // An error naming the column when one cannot be sorted by.
  static Result<RowOrder> Make(const arrow::Schema& schema, const std::vector<SortKeyColumn>& keys);
  // Below, at or above 0 as row i of a sorts before, with or after row j of b: the
  // columns of two batches of the schema, taken once per batch (RecordBatch::columns()),
  // since RecordBatch::column() copies a shared pointer under a lock on every call.
  int Compare(const arrow::ArrayVector& a, int64_t i, const arrow::ArrayVector& b, int64_t j) const;

 private:
  using CompareValues = int (*)(const arrow::Array&, int64_t, const arrow::Array&, int64_t);
  struct Key {
    SortKeyColumn key;
    CompareValues compare;
    bool floating;
  };
  explicit RowOrder(std::vector<Key> keys) : keys_(std::move(keys)) {}
  std::vector<Key> keys_;
};

// The rows in order, a batch at a time; null at the end.
class SortedBatches {
 public:
  virtual ~SortedBatches() = default;
  virtual Result<std::shared_ptr<arrow::RecordBatch>> Next() = 0;
};

class ExternalSort {
 public:
  // Checks that every key's column can be sorted by (CanSortBy). Spill files go in
  // `folder`, named after `prefix`, and are removed when the sort and what Finish
  // returned are gone.
  static Result<std::unique_ptr<ExternalSort>> Make(std::shared_ptr<arrow::Schema> schema,
                                                    std::vector<SortKeyColumn> keys,
                                                    std::filesystem::path folder,
                                                    std::string prefix, SortBounds bounds = {});
  ~ExternalSort();
  ExternalSort(const ExternalSort&) = delete;
  ExternalSort& operator=(const ExternalSort&) = delete;

  // One batch of input, with the schema given to Make.
  Status Add(std::shared_ptr<arrow::RecordBatch> batch);
  // Ends the input; the rows in order. Call once.
  Result<std::unique_ptr<SortedBatches>> Finish();

  // How many runs are on disk (0 when everything fit in memory; after Finish, what the
  // merge passes left).
  int spilled_runs() const;

 private:
  struct State;
  explicit ExternalSort(std::unique_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace mortar::recipes
