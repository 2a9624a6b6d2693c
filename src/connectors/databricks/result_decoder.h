// Decoding of result pages into Arrow batches: the column-based row sets of every
// server, and Databricks' Arrow batches (inline, LZ4 frame compressed or not, and the
// Arrow IPC streams of CloudFetch files). Internal to the connector. Stateless.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/databricks/spare_buffers.h"
#include "mortar/core/batch.h"
#include "tcli_service_types.h"

namespace mortar::databricks {

// The Mortar type of a Thrift column: DECIMAL precision and scale from the type
// qualifiers; nested types, which Thrift describes only by kind, as JSON strings.
Type TypeOfColumn(const wire::TColumnDesc& column);
Result<Schema> SchemaOf(const wire::TTableSchema& schema);

// Converts a column-based row set into a batch of `schema`. `first_row` (1-based) and
// `source` name the rows in conversion errors.
Result<Batch> DecodeColumns(const wire::TRowSet& rows, const Schema& schema, int64_t first_row,
                            const std::string& source);
// Number of rows in a column-based row set.
int64_t ColumnRowCount(const wire::TRowSet& rows);

// The most an LZ4 page or CloudFetch file may decompress to: far above real files
// (about 20 MiB compressed), far below what a decompression bomb would take.
inline constexpr std::size_t kMaxLz4ResultBytes = std::size_t{1} << 30;

// The LZ4 frame format's decompression, of one frame or several back to back (as the
// last CloudFetch file of a result usually is). `size_hint`: the expected output size.
Result<std::string> DecompressLz4Frames(std::string_view compressed, std::size_t size_hint = 0);
// What the decompression allocates first: the hint, as far as `compressed` bytes could
// decompress to (a server's bytesNum of 1 GiB on a file of 100 bytes allocates little).
std::size_t Lz4InitialCapacity(std::size_t compressed, std::size_t size_hint);

// Decodes Arrow IPC record batch messages that follow a serialized IPC schema
// message (Databricks' arrowSchema and arrowBatches), decompressing each batch first
// when `lz4` is set; refused past `max_bytes` decoded, the page as a whole.
Result<std::vector<Batch>> DecodeArrowBatches(const std::string& arrow_schema,
                                              const std::vector<std::string>& batches, bool lz4,
                                              std::size_t max_bytes = kMaxLz4ResultBytes);
// Reads an Arrow IPC stream (a CloudFetch file) one record batch at a time, each checked
// as it is read. An LZ4 stream is decompressed only as far as the batch asked for, so a
// file is never held decompressed whole: only the batches the caller still holds are.
class ArrowStreamBatches {
 public:
  // With `lz4`, the stream's memory goes to `spares` (if any) once the batches are read.
  static Result<std::unique_ptr<ArrowStreamBatches>> Open(
      std::string stream, bool lz4, std::shared_ptr<SpareBuffers> spares = nullptr);
  // The next batch; an empty Batch at the stream's end.
  Result<Batch> Next();

 private:
  explicit ArrowStreamBatches(std::shared_ptr<arrow::RecordBatchReader> reader)
      : reader_(std::move(reader)) {}
  std::shared_ptr<arrow::RecordBatchReader> reader_;
};

// A decoded batch in the reader's Arrow types (time zone names and the like): columns
// cast where their types differ. `source` names the result in errors.
Result<Batch> ConformBatch(Batch batch, const std::shared_ptr<arrow::Schema>& schema,
                           const std::string& source);

// A whole Arrow IPC stream's batches (read through ArrowStreamBatches).
Result<std::vector<Batch>> DecodeArrowStream(std::string stream, bool lz4);

}  // namespace mortar::databricks
