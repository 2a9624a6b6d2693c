// An incoming Arrow IPC stream written into a dataset (the data API's POST .../data):
// the writer opens when the stream's schema arrives, each batch is converted to the dataset's types
// and written, and only a stream that reached its end-of-stream marker may be committed. A recipe's
// write (spool_dir set) goes first to a spool file beside the project's state and into the dataset
// only at the recipe's end: no dataset writer (and no database lock) is held while the script runs,
// memory stays at one batch.
#pragma once

#include <arrow/api.h>
#include <arrow/ipc/api.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "mortar/core/arrow_input.h"
#include "mortar/flow/context.h"

namespace mortar::server {

class IncomingWrite final : public ArrowInputListener {
 public:
  std::unique_ptr<Context> context;
  Dataset* dataset = nullptr;
  WriteMode mode = WriteMode::kReplace;
  bool with_schema = false;
  std::optional<Schema> declared;
  std::unique_ptr<BatchWriter> writer;
  std::filesystem::path spool_dir;  // empty: write straight into the dataset
  std::filesystem::path spool_path;
  std::shared_ptr<arrow::ipc::RecordBatchWriter> spool;
  Schema schema;
  std::shared_ptr<arrow::Schema> arrow_schema;
  std::vector<int> sources;  // incoming column of each output column
  bool record_schema = false;
  BatchWriter::LogLine log;
  int64_t rows = 0;

  ~IncomingWrite() override { Abort(); }

  // The stream's schema: the dataset's declared one (columns matched by name, ignoring
  // case), or, with_schema, the stream's own, recorded on commit.
  Status OnSchema(std::shared_ptr<arrow::Schema> incoming) override;
  // A batch, converted to the dataset's types (safe casts only) and written or spooled.
  Status OnBatch(std::shared_ptr<arrow::RecordBatch> batch) override;

  bool Opened() const { return writer || spool; }
  // Makes the written rows the dataset's (and records its schema when it is new).
  Status Commit();
  // Leaves the dataset as it was and removes the spool file.
  void Abort();

 private:
  Status OpenSpool();
  Status OpenWriter();
  // Which incoming column feeds each column of `schema`; an error names the missing
  // and unknown columns.
  Status Match(const arrow::Schema& incoming);
  // Moves a spooled write into the dataset, batch by batch.
  Status Unspool();
};

}  // namespace mortar::server
