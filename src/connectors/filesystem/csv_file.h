// Reading and writing CSV files as batches, on Arrow's CSV parser and writer.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "connectors/filesystem/csv_options.h"
#include "mortar/core/batch.h"

namespace mortar::filesystem {

// The column names of a CSV file: its header, or col_1.. when it has none.
Result<std::vector<std::string>> ReadCsvColumnNames(const std::filesystem::path& file,
                                                    const CsvOptions& options);

// Guesses column types from the first `sample_rows` rows.
Result<Schema> InferCsvSchema(const std::filesystem::path& file, const CsvOptions& options,
                              int64_t sample_rows);

// Streams the files in order, converting text to `schema`. `limit` < 0: all rows.
// `display_names` name the files in errors (paths relative to the connection).
Result<std::unique_ptr<BatchReader>> OpenCsvReader(std::vector<std::filesystem::path> files,
                                                   std::vector<std::string> display_names,
                                                   Schema schema, CsvOptions options,
                                                   int64_t limit);

// Writes `target` through a temporary file renamed over it on Commit().
Result<std::unique_ptr<BatchWriter>> OpenCsvWriter(const std::filesystem::path& target,
                                                   const Schema& schema, const CsvOptions& options,
                                                   bool append);

}  // namespace mortar::filesystem
