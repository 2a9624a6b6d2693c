// Reading and writing Parquet files as batches.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "connectors/filesystem/file_to_read.h"
#include "mortar/core/batch.h"

namespace mortar::filesystem {

Result<Schema> ReadParquetSchema(const FileToRead& file);

// Reads the footer, then one column chunk at a time (ranged reads on remote files).
Result<std::unique_ptr<BatchReader>> OpenParquetReader(std::vector<FileToRead> files, Schema schema,
                                                       int64_t limit);

// Rows per row group: large enough for good compression, small enough to bound the
// memory the writer buffers.
inline constexpr int64_t kParquetRowGroupRows = 512 * 1024;

struct ParquetWriteOptions {
  // Bounds what the writer holds: it buffers one row group, encoded.
  int64_t row_group_rows = kParquetRowGroupRows;
  // Dictionary encoding makes files smaller, at the cost of a hash table per column
  // while writing; files read once (staging) go without. With it, the writer holds the
  // file's first rows (kDictionarySampleRows) to leave out the columns whose values are
  // too distinct for a dictionary to pay (dictionary_columns.h).
  bool dictionary = true;
  // Row groups are bounded by bytes too, for wide rows: one closes once the batches
  // written into it pass this many bytes (in memory, before encoding).
  int64_t row_group_bytes = int64_t{128} << 20;
};

Result<std::unique_ptr<BatchWriter>> OpenParquetWriter(const std::filesystem::path& target,
                                                       const Schema& schema,
                                                       ParquetWriteOptions options = {});

}  // namespace mortar::filesystem
