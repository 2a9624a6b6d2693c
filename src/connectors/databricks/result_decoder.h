// Decoding of result pages into Arrow batches: the column-based row sets of every
// server, and Databricks' Arrow batches (inline, LZ4 frame compressed or not, and the
// Arrow IPC streams of CloudFetch files). Internal to the connector. Stateless.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mortar/core/batch.h"
#include "tcli_service_types.h"

namespace mortar::databricks {

class DecodeBuffers;

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
// when `lz4` is set.
Result<std::vector<Batch>> DecodeArrowBatches(const std::string& arrow_schema,
                                              const std::vector<std::string>& batches, bool lz4);
// Decodes a whole Arrow IPC stream (a CloudFetch file), decompressing it first when
// `lz4` is set; `size_hint` is its size after decompression (the link's bytesNum).
// `buffers`, when given, is where it decompresses to.
Result<std::vector<Batch>> DecodeArrowStream(std::string_view stream, bool lz4,
                                             std::size_t size_hint = 0,
                                             DecodeBuffers* buffers = nullptr);

}  // namespace mortar::databricks
