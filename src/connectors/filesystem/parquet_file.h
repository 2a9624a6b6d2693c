// Reading and writing Parquet files as batches.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mortar/core/batch.h"

namespace mortar::filesystem {

Result<Schema> ReadParquetSchema(const std::filesystem::path& file);

Result<std::unique_ptr<BatchReader>> OpenParquetReader(std::vector<std::filesystem::path> files,
                                                       std::vector<std::string> display_names,
                                                       Schema schema, int64_t limit);

// Rows per row group: large enough for good compression, small enough to bound the
// memory the writer buffers.
inline constexpr int64_t kParquetRowGroupRows = 512 * 1024;

Result<std::unique_ptr<BatchWriter>> OpenParquetWriter(const std::filesystem::path& target,
                                                       const Schema& schema);

}  // namespace mortar::filesystem
