// Columnar batches: rows move between connectors as Arrow record batches of bounded
// size, never as a whole table.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "mortar/core/result.h"
#include "mortar/core/schema.h"

namespace mortar {

using Batch = std::shared_ptr<arrow::RecordBatch>;

// Rows per batch that readers aim for: large enough to amortise per-batch costs,
// small enough that a few batches in flight stay far below 256 MB.
inline constexpr int64_t kDefaultBatchRows = 64 * 1024;

// A stream of batches. Not thread-safe; one consumer.
class BatchReader {
 public:
  virtual ~BatchReader() = default;
  // The schema every batch conforms to (Arrow types from Type::ToArrow()).
  virtual const Schema& schema() const = 0;
  // The next batch, or nullptr when the stream is exhausted.
  virtual Result<Batch> Next() = 0;
};

// A sink for batches whose output becomes visible only on Commit(), atomically.
// A writer destroyed without Commit() discards what it wrote (Abort), leaving any
// previous output as it was. Not thread-safe.
class BatchWriter {
 public:
  using LogLine = std::function<void(const std::string&)>;

  virtual ~BatchWriter() = default;
  virtual Status Write(const arrow::RecordBatch& batch) = 0;
  virtual Status Commit() = 0;
  virtual void Abort() = 0;

  // Where the writer says how it writes (fast-write's staging, load and clean-up) for
  // the job log. Unset, those lines are dropped.
  void set_log(LogLine log) { log_ = std::move(log); }

 protected:
  void Log(const std::string& line) const {
    if (log_) log_(line);
  }

 private:
  LogLine log_;
};

// Reads batches from `reader` into `writer` and commits; aborts on any error.
// `on_batch` (optional) is told the running row count after each batch.
struct CopyStats {
  int64_t rows = 0;
  int64_t batches = 0;
};
class Progress;
Result<CopyStats> CopyBatches(BatchReader& reader, BatchWriter& writer, Progress* progress);

// The first `limit` rows of `reader`; stops without reading the rest.
std::unique_ptr<BatchReader> LimitRows(std::unique_ptr<BatchReader> reader, int64_t limit);

// Adapts a BatchReader to Arrow's RecordBatchReader (for Acero, Parquet, IPC).
std::shared_ptr<arrow::RecordBatchReader> ToArrowReader(std::unique_ptr<BatchReader> reader);

// A BatchReader over an Arrow RecordBatchReader.
Result<std::unique_ptr<BatchReader>> FromArrowReader(
    std::shared_ptr<arrow::RecordBatchReader> reader);

// Registers Arrow's compute kernels (casts, aggregations); cheap after the first call.
Status InitializeCompute();

// Converts an Arrow status into a Mortar one (kInvalidInput for Invalid/TypeError,
// kNotFound for IOError on missing files is left to callers that know the path).
Status FromArrowStatus(const arrow::Status& status);

// An Arrow result as a Mortar one (its error converted as FromArrowStatus does).
template <typename T>
Result<T> FromArrowResult(arrow::Result<T> result) {
  if (!result.ok()) return FromArrowStatus(result.status());
  return std::move(result).ValueUnsafe();
}

}  // namespace mortar

// Returns from the function with the Arrow status, converted, when it is an error:
// an Arrow status (an append, a reserve, a builder) is never discarded.
#define MORTAR_RETURN_IF_ARROW_ERROR(expr) MORTAR_RETURN_IF_ERROR(::mortar::FromArrowStatus(expr))
