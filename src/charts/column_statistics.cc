#include "mortar/charts/column_statistics.h"

#include "connectors/sqlite/scratch_database.h"
#include "mortar/core/cell_text.h"

namespace mortar::charts {

namespace {

bool Groupable(const Type& type) {
  return !type.IsNested() && type.kind() != TypeKind::kBinary;
}

bool Ordered(const Type& type) {
  return Groupable(type) && type.kind() != TypeKind::kBoolean;
}

// Runs a query expected to answer rows, calling `row` with each batch and row index.
template <typename OnRow>
Status ForEachRow(SqlConnection& sql, const std::string& query, OnRow on_row) {
  MORTAR_ASSIGN_OR_RETURN(auto reader, sql.Query(query));
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
    if (!batch) return Status::OK();
    for (int64_t row = 0; row < batch->num_rows(); ++row) on_row(*batch, row);
  }
}

std::optional<std::string> Cell(const arrow::RecordBatch& batch, int column, int64_t row) {
  const arrow::Array& array = *batch.column(column);
  if (array.IsNull(row)) return std::nullopt;
  return CellToText(array, row);
}

int64_t Count(const arrow::RecordBatch& batch, int column, int64_t row) {
  auto text = Cell(batch, column, row);
  return text ? std::stoll(*text) : 0;
}

// One query for the counts, minimums and maximums of every column, then one per column
// for its most frequent values.
Result<DatasetStatistics> Compute(SqlConnection& sql, const std::string& source,
                                  const Schema& schema, int top_values) {
  const sql::Dialect& dialect = sql.dialect();
  DatasetStatistics statistics;
  std::string select = dialect.AggregateCall(sql::Aggregate::kCountAll, "", Type());
  for (const auto& column : schema.columns()) {
    std::string name = dialect.QuoteIdentifier(column.name);
    select += ", " + dialect.AggregateCall(sql::Aggregate::kCount, name, column.type);
    if (Groupable(column.type))
      select += ", " + dialect.AggregateCall(sql::Aggregate::kCountDistinct, name, column.type);
    if (Ordered(column.type)) {
      select += ", " + dialect.AggregateCall(sql::Aggregate::kMin, name, column.type);
      select += ", " + dialect.AggregateCall(sql::Aggregate::kMax, name, column.type);
    }
  }
  MORTAR_RETURN_IF_ERROR(ForEachRow(sql, "SELECT " + select + " FROM " + source,
                                    [&](const arrow::RecordBatch& batch, int64_t row) {
                                      int at = 0;
                                      statistics.rows = Count(batch, at++, row);
                                      for (const auto& column : schema.columns()) {
                                        ColumnStatistics stats{column.name, column.type};
                                        stats.nulls = statistics.rows - Count(batch, at++, row);
                                        if (Groupable(column.type))
                                          stats.distinct = Count(batch, at++, row);
                                        if (Ordered(column.type)) {
                                          stats.min = Cell(batch, at++, row);
                                          stats.max = Cell(batch, at++, row);
                                        }
                                        statistics.columns.push_back(std::move(stats));
                                      }
                                    }));
  std::size_t with_top = 0;
  for (auto& stats : statistics.columns) {
    if (!Groupable(stats.type) || top_values <= 0 ||
        with_top++ >= DatasetStatistics::kMostColumnsWithTopValues)
      continue;
    std::string name = dialect.QuoteIdentifier(stats.name);
    std::string query = "SELECT " + name + ", COUNT(*) AS " + dialect.QuoteIdentifier("n") +
                        " FROM " + source + " GROUP BY " + name + " ORDER BY 2 DESC, 1 LIMIT " +
                        std::to_string(top_values);
    MORTAR_RETURN_IF_ERROR(
        ForEachRow(sql, query, [&](const arrow::RecordBatch& batch, int64_t row) {
          stats.top.emplace_back(Cell(batch, 0, row), Count(batch, 1, row));
        }));
  }
  return statistics;
}

}  // namespace

Result<DatasetStatistics> ComputeStatistics(Context& context, const std::string& name,
                                            const std::filesystem::path& scratch_folder,
                                            int top_values) {
  MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, context.GetDataset(name));
  SqlConnection* sql = dataset->connection().AsSql();
  if (sql != nullptr && dataset->SqlSource()) {
    MORTAR_ASSIGN_OR_RETURN(Schema schema, dataset->schema());
    MORTAR_ASSIGN_OR_RETURN(DatasetStatistics statistics,
                            Compute(*sql, *dataset->SqlSource(), schema, top_values));
    statistics.engine = "in-database";
    return statistics;
  }
  sqlite::ScratchDatabase scratch(scratch_folder, "statistics");
  sqlite::SqliteConnection& local = scratch.connection();
  MORTAR_ASSIGN_OR_RETURN(auto reader, dataset->Read(ReadOptions{}));
  Schema schema = reader->schema();
  sql::TableName table{"", "", "rows"};
  MORTAR_ASSIGN_OR_RETURN(auto writer, local.OpenTableWriter(table, schema, WriteMode::kReplace));
  MORTAR_RETURN_IF_ERROR(CopyBatches(*reader, *writer, nullptr).status());
  MORTAR_ASSIGN_OR_RETURN(
      DatasetStatistics statistics,
      Compute(local, local.dialect().TableReference(table), schema, top_values));
  statistics.engine = "local";
  return statistics;
}

config::Json StatisticsJson(const DatasetStatistics& statistics) {
  config::Json columns = config::Json::array();
  auto text = [](const std::optional<std::string>& value) {
    return value ? config::Json(*value) : config::Json();
  };
  for (const auto& stats : statistics.columns) {
    config::Json top = config::Json::array();
    for (const auto& [value, count] : stats.top)
      top.push_back({{"value", text(value)}, {"count", count}});
    config::Json column{{"name", stats.name},
                        {"type", stats.type.ToString()},
                        {"nulls", stats.nulls},
                        {"top", top}};
    column["distinct"] = stats.distinct ? config::Json(*stats.distinct) : config::Json();
    column["min"] = text(stats.min);
    column["max"] = text(stats.max);
    columns.push_back(std::move(column));
  }
  return config::Json{
      {"rows", statistics.rows}, {"engine", statistics.engine}, {"columns", columns}};
}

}  // namespace mortar::charts
