// Arrow data that comes from outside the process (HTTP bodies of the data API,
// Databricks result pages and CloudFetch files): checked whole before anything reads
// it, and bounded in size. Arrow's IPC readers check the framing but not the contents:
// a string column whose offsets point past its data would otherwise make later code
// copy the process's own memory into a dataset.
#pragma once

#include <arrow/ipc/options.h>
#include <arrow/type_fwd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mortar/core/status.h"

namespace mortar {

// The largest IPC message (one record batch, with its body) Mortar accepts from
// outside: far above the 64 Ki-row batches of Mortar's own writers and Databricks'
// pages, far below what would exhaust memory.
inline constexpr int64_t kMaxArrowMessageBytes = 256LL << 20;

// The most rows one record batch from outside may hold: sixteen times Mortar's own
// batches and the Python package's, far above Databricks' (Spark's 10,000). Columns of
// the null type hold no bytes at all, so without it a few bytes could stand for
// billions of rows.
inline constexpr int64_t kMaxArrowBatchRows = int64_t{1} << 20;

// How Arrow's IPC readers are to read input from outside: a buffer the stream places at
// an offset its type does not allow (a 32-bit offset at an odd address) is copied to
// aligned memory, where Arrow's default would hand out a misaligned pointer that the
// validation below, and every later reader, would load from.
arrow::ipc::IpcReadOptions ArrowInputReadOptions();

// Full validation (offsets, lengths, UTF-8, nested children, dictionary indices) and
// the row bound.
// Invalid input: names `source` and what is wrong, and says the data was refused.
Status ValidateArrowInput(const arrow::RecordBatch& batch, std::string_view source);

// What an incoming stream hands over: its schema, then each record batch, validated.
// A listener refuses by returning an error, which ends the stream's decoding.
class ArrowInputListener {
 public:
  virtual ~ArrowInputListener() = default;
  virtual Status OnSchema(std::shared_ptr<arrow::Schema> schema) = 0;
  virtual Status OnBatch(std::shared_ptr<arrow::RecordBatch> batch) = 0;
};

// An Arrow IPC stream arriving in pieces from outside (an HTTP body): decoded as it
// comes, with no message over kMaxArrowMessageBytes buffered, each batch validated
// whole before the listener sees it. Not thread-safe.
class ArrowStreamInput {
 public:
  // `source` names the stream in errors ("the request body").
  ArrowStreamInput(ArrowInputListener& listener, std::string source);
  ~ArrowStreamInput();
  ArrowStreamInput(const ArrowStreamInput&) = delete;
  ArrowStreamInput& operator=(const ArrowStreamInput&) = delete;

  // Decodes the next piece. Once the stream is refused (invalid framing or data, a
  // message over the limit, or the listener's error) this and every later call return
  // that error, so that a caller may keep reading the body to its end.
  Status Consume(const char* data, std::size_t size);
  // Whether the end-of-stream marker was reached: a stream cut short is not whole.
  bool ended() const;
  // Whether the error came from the listener rather than from the stream itself.
  bool listener_refused() const;

 private:
  class Decoding;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string source_;
  Status status_;
};

}  // namespace mortar
