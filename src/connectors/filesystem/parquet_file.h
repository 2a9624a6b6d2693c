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

Result<std::unique_ptr<BatchWriter>> OpenParquetWriter(const std::filesystem::path& target,
                                                       const Schema& schema);

}  // namespace mortar::filesystem
