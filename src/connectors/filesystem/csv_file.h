// Reading and writing CSV files as batches, on Arrow's CSV parser and writer.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "connectors/filesystem/csv_options.h"
#include "connectors/filesystem/file_to_read.h"
#include "mortar/core/batch.h"

namespace mortar::filesystem {

// The column names of a CSV file: its header, or col_1.. when it has none.
Result<std::vector<std::string>> ReadCsvColumnNames(const FileToRead& file,
                                                    const CsvOptions& options);

// Guesses column types from the first `sample_rows` rows.
Result<Schema> InferCsvSchema(const FileToRead& file, const CsvOptions& options,
                              int64_t sample_rows);

// Streams the files in order, converting text to `schema` (every column of the files).
// `limit` < 0: all rows. `columns`, when not empty, are the only ones converted and
// returned, in that order; the others are split off but never converted. Files are read
// sequentially through a read-ahead buffer, so remote files cost a few large ranged
// requests and bounded memory.
Result<std::unique_ptr<BatchReader>> OpenCsvReader(std::vector<FileToRead> files, Schema schema,
                                                   CsvOptions options, int64_t limit,
                                                   const std::vector<std::string>& columns = {});

// Writes `target` through a temporary file renamed over it on Commit().
Result<std::unique_ptr<BatchWriter>> OpenCsvWriter(const std::filesystem::path& target,
                                                   const Schema& schema, const CsvOptions& options,
                                                   bool append);

}  // namespace mortar::filesystem
