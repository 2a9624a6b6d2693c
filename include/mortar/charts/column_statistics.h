// Column statistics of a dataset, computed by a database: in the dataset's own when it
// is a SQL dataset, else in a local scratch SQLite database the rows are streamed into
// (on disk, so memory stays bounded). For the studio's dataset view.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mortar/config/document.h"
#include "mortar/core/result.h"
#include "mortar/core/types.h"
#include "mortar/flow/context.h"

namespace mortar::charts {

struct ColumnStatistics {
  std::string name;
  Type type;
  int64_t nulls = 0;
  // Not for binary and nested columns, which databases neither order nor group.
  std::optional<int64_t> distinct;
  std::optional<std::string> min;  // as text; also not for booleans
  std::optional<std::string> max;
  // The most frequent values, most frequent first (a null value as nullopt).
  std::vector<std::pair<std::optional<std::string>, int64_t>> top;
};

struct DatasetStatistics {
  int64_t rows = 0;
  std::string engine;  // "in-database", or "local" when the rows were copied to SQLite
  std::vector<ColumnStatistics> columns;
  // Top values are computed for this many columns at most, the first ones.
  static constexpr std::size_t kMostColumnsWithTopValues = 50;
};

Result<DatasetStatistics> ComputeStatistics(Context& context, const std::string& dataset,
                                            const std::filesystem::path& scratch_folder,
                                            int top_values = 5);

config::Json StatisticsJson(const DatasetStatistics& statistics);

}  // namespace mortar::charts
