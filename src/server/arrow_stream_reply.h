// A BatchReader served as an Arrow IPC stream (application/vnd.apache.arrow.stream),
// one record batch per HTTP chunk: memory stays at about one batch whatever the size
// of the table.
#pragma once

#include <arrow/api.h>
#include <arrow/ipc/api.h>
#include <httplib.h>

#include <memory>
#include <vector>

#include "mortar/core/batch.h"
#include "mortar/flow/context.h"

namespace mortar::server {

class ChunkBuffer;

class OutgoingStream {
 public:
  std::unique_ptr<Context> context;  // owns the connection the reader reads from
  std::unique_ptr<BatchReader> reader;
  std::vector<int> columns;  // empty: all
  std::shared_ptr<arrow::Schema> schema;

  // The batch with the selected columns, under `schema`'s names and types.
  Result<std::shared_ptr<arrow::RecordBatch>> Conform(
      const std::shared_ptr<arrow::RecordBatch>& batch);
  // One step of the chunked response: false ends the response without its last chunk,
  // which the client sees as a broken transfer rather than a short table.
  bool Next(httplib::DataSink& sink);

 private:
  std::shared_ptr<ChunkBuffer> buffer;
  std::shared_ptr<arrow::ipc::RecordBatchWriter> writer;
};

// Answers with the stream (chunked, never cached).
void StreamReply(httplib::Response& response, std::shared_ptr<OutgoingStream> stream);

}  // namespace mortar::server
