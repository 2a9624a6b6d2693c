// Charts: a chart definition (type, dimensions with binning, measures, filters, sort
// and limit) compiled to one aggregation query. The live engine runs it in the
// dataset's database; datasets outside a database are charted by the local engine on
// a sample. The result is rendered to SVG. Values are immutable; thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mortar/config/document.h"
#include "mortar/core/schema.h"
#include "mortar/sql/dialect.h"

namespace mortar {
class Context;
namespace config {
class Project;
}
}  // namespace mortar

namespace mortar::charts {

enum class ChartType { kBar, kLine, kArea, kPie, kScatter, kHistogram, kPivotTable };

struct Dimension {
  std::string column;
  double bin_width = 0;  // numbers: bins of this width (0: the values themselves)
  std::optional<sql::DatePart> date_bin;
};

struct Measure {
  std::string column;    // empty for count
  std::string function;  // count, count_distinct, sum, avg, min, max
};

struct ChartSpec {
  std::string name;
  std::string dataset;
  ChartType type = ChartType::kBar;
  std::vector<Dimension> dimensions;
  std::vector<Measure> measures;
  std::vector<std::string> filters;  // formulas, all must hold
  bool sort_by_measure = false;      // else by the dimensions
  bool descending = false;
  int64_t limit = -1;  // rows; -1: every bin, up to max_bins
  int64_t max_bins = 1000;
  int64_t sample_rows = 100000;  // the local engine's sample
  // auto: live when the dataset is in a database, else local; live or local: forced.
  std::string engine = "auto";
  std::string file;
  config::Json definition;  // as written, for the cache key

  static Result<ChartSpec> FromJson(const config::Json& json, const std::string& file);
  static Result<ChartSpec> Load(const std::filesystem::path& path);

  // The labels of the result's columns: dimensions, then measures.
  std::vector<std::string> Labels() const;
  // The one aggregation query, reading `source` whose columns are `schema`. It asks
  // for one row more than the bins allowed, to tell a chart with too many bins.
  Result<std::string> ToSql(const sql::Dialect& dialect, const std::string& source,
                            const Schema& schema) const;
};

struct ChartData {
  std::string engine;   // "live" or "local (the first N rows)"
  bool cached = false;  // served from the cache: the dataset has not changed since
  std::string sql;
  std::vector<std::string> columns;
  std::vector<std::vector<config::Json>> rows;
};

// Runs the chart: in the dataset's database when it has one, else on a sample in a
// scratch SQLite file under `scratch_folder`. Too many bins is an error that says
// what to change. Results are cached in the project's state folder, keyed on the
// chart's definition, the dataset's definition and its version (DatasetVersion, or
// for source files their fingerprint), so a rebuilt dataset is charted afresh; a
// table no recipe writes is never cached, as Mortar cannot tell when it changes.
Result<ChartData> ComputeChart(Context& context, const ChartSpec& spec,
                               const std::filesystem::path& scratch_folder);

// An SVG picture of the chart (bars, lines, areas, pie slices, points or a table).
std::string RenderSvg(const ChartSpec& spec, const ChartData& data);
// The same picture as PNG bytes, drawn from the SVG at `scale` times its size.
Result<std::string> RenderPng(const std::string& svg, double scale = 1);

// The charts of a project (<project>/charts/<name>.json), sorted by name.
Result<std::vector<ChartSpec>> ListCharts(const config::Project& project);
// One chart of a project by name; NotFound names the missing file.
Result<ChartSpec> LoadChart(const config::Project& project, const std::string& name);
// The chart's data as JSON: chart, type, engine, cached, sql, columns and rows.
config::Json ChartDataJson(const ChartSpec& spec, const ChartData& data);

}  // namespace mortar::charts
