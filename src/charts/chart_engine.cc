// The chart engines: live (the aggregation query runs in the dataset's database, only
// the bins come back) and local (a sample of the dataset streamed into a scratch
// SQLite file and aggregated there by the same query).
#include <arrow/api.h>

#include "connectors/sqlite/scratch_database.h"
#include "mortar/charts/chart.h"
#include "mortar/core/cell_text.h"
#include "mortar/core/digest.h"
#include "mortar/flow/context.h"
#include "mortar/flow/flow.h"

namespace mortar::charts {

namespace {

namespace fs = std::filesystem;

Result<ChartData> Collect(const ChartSpec& spec, SqlConnection& sql, const std::string& query,
                          std::string engine) {
  ChartData data;
  data.engine = std::move(engine);
  data.sql = query;
  data.columns = spec.Labels();
  MORTAR_ASSIGN_OR_RETURN(auto reader, sql.Query(query));
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
    if (!batch) break;
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      std::vector<config::Json> row;
      for (int c = 0; c < batch->num_columns(); ++c) {
        row.push_back(config::Json::parse(CellToJson(*batch->column(c), r)));
      }
      data.rows.push_back(std::move(row));
    }
  }
  if (spec.limit < 0 && static_cast<int64_t>(data.rows.size()) > spec.max_bins) {
    std::string where = spec.file.empty() ? "chart '" + spec.name + "'" : spec.file;
    return Status::Invalid(where + ": the chart has more than " + std::to_string(spec.max_bins) +
                           " bins (the bin limit); use coarser bins, a filter or a limit, or "
                           "raise max_bins");
  }
  return data;
}

config::Json ToJson(const ChartData& data) {
  return {
      {"engine", data.engine}, {"sql", data.sql}, {"columns", data.columns}, {"rows", data.rows}};
}

std::optional<ChartData> FromJson(const config::Json& json) {
  if (!json.is_object() || !json.contains("rows") || !json["rows"].is_array()) return std::nullopt;
  ChartData data;
  data.engine = json.value("engine", "");
  data.sql = json.value("sql", "");
  data.columns = json.value("columns", std::vector<std::string>{});
  for (const auto& row : json["rows"]) data.rows.push_back(row.get<std::vector<config::Json>>());
  data.cached = true;
  return data;
}

Result<ChartData> Compute(const ChartSpec& spec, Dataset* dataset, const fs::path& scratch_folder) {
  SqlConnection* sql = dataset->connection().AsSql();
  bool in_database = sql != nullptr && dataset->SqlSource();
  if (spec.engine == "live" && !in_database) {
    return Status::Invalid("chart '" + spec.name + "' asks for the live engine, but dataset '" +
                           dataset->name() +
                           "' is not in a database that runs SQL; remove \"engine\" or set it "
                           "to \"local\"");
  }
  if (in_database && spec.engine != "local") {
    MORTAR_ASSIGN_OR_RETURN(Schema schema, dataset->schema());
    MORTAR_ASSIGN_OR_RETURN(std::string query,
                            spec.ToSql(sql->dialect(), *dataset->SqlSource(), schema));
    return Collect(spec, *sql, query, "live");
  }
  sqlite::ScratchDatabase scratch(scratch_folder, "chart");
  sqlite::SqliteConnection& local = scratch.connection();
  MORTAR_ASSIGN_OR_RETURN(auto reader, dataset->Read(ReadOptions{spec.sample_rows}));
  Schema schema = reader->schema();
  sql::TableName table{"", "", "sample"};
  MORTAR_ASSIGN_OR_RETURN(auto writer, local.OpenTableWriter(table, schema, WriteMode::kReplace));
  MORTAR_ASSIGN_OR_RETURN(CopyStats stats, CopyBatches(*reader, *writer, nullptr));
  MORTAR_ASSIGN_OR_RETURN(
      std::string query,
      spec.ToSql(local.dialect(), local.dialect().TableReference(table), schema));
  return Collect(spec, local, query, "local (the first " + std::to_string(stats.rows) + " rows)");
}

}  // namespace

Result<ChartData> ComputeChart(Context& context, const ChartSpec& spec,
                               const fs::path& scratch_folder) {
  MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, context.GetDataset(spec.dataset));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  std::string version = DatasetVersion(*project, spec.dataset);
  if (version.empty()) {
    MORTAR_ASSIGN_OR_RETURN(version, dataset->Fingerprint());
  }
  if (version.empty()) return Compute(spec, dataset, scratch_folder);
  std::string key =
      spec.definition.dump() + "\n" + dataset->config().ToJson().dump() + "\n" + version;
  fs::path cache = project->StateDir() / "chart_cache";
  // With per-user credentials each user sees what their own grants allow: their
  // aggregates are cached apart and never served to another user.
  MORTAR_ASSIGN_OR_RETURN(CredentialState credentials, dataset->connection().Credentials());
  if (credentials.per_user) {
    key += "\nuser " + context.user();
    cache /= "users/" + Sha256Hex(context.user()).substr(0, 32);
  }
  cache /= spec.name + ".json";
  if (auto stored = config::ReadJsonFile(cache);
      stored.ok() && stored->is_object() && stored->value("key", "") == key) {
    if (auto data = FromJson((*stored)["data"])) return *data;
  }
  MORTAR_ASSIGN_OR_RETURN(ChartData data, Compute(spec, dataset, scratch_folder));
  // A cache that cannot be written only costs the next render a query.
  (void)config::WriteJsonFile(cache, config::Json{{"key", key}, {"data", ToJson(data)}});
  return data;
}

}  // namespace mortar::charts
