#include "connectors/sql/sql_datasets.h"

#include <arrow/api.h>

namespace mortar::sqldata {

namespace {

// Reads of at most this many rows ask the database for a LIMIT; longer ones stream and
// stop after that many rows. Spark gathers a LIMIT's rows into one partition on its
// driver before the first row comes back, so a LIMIT of millions (a chart's local
// engine on a big sample) held them all in the Thrift server's memory and stalled it.
constexpr int64_t kLimitInTheDatabase = 100000;

// The query with a LIMIT, or a reader that stops after `limit` rows.
Result<std::unique_ptr<BatchReader>> QueryWithLimit(SqlConnection& sql, std::string query,
                                                    int64_t limit) {
  if (limit < 0) return sql.Query(query);
  if (limit <= kLimitInTheDatabase) return sql.Query(query + " LIMIT " + std::to_string(limit));
  MORTAR_ASSIGN_OR_RETURN(auto reader, sql.Query(query));
  return LimitRows(std::move(reader), limit);
}

SqlConnection* RequireSql(const config::DatasetConfig& config, Connection& connection,
                          Status* error) {
  SqlConnection* sql = connection.AsSql();
  if (sql == nullptr) {
    *error = Status::Invalid(config.file + ": dataset type '" + config.type +
                             "' needs a SQL connection, but '" + connection.name() +
                             "' is of type '" + connection.type() + "'");
  }
  return sql;
}

class SqlTableDataset final : public Dataset {
 public:
  SqlTableDataset(config::DatasetConfig config, Connection* connection, SqlConnection* sql,
                  sql::TableName table)
      : Dataset(std::move(config), connection), sql_(sql), table_(std::move(table)) {}

  Result<Schema> DetectSchema() override {
    MORTAR_ASSIGN_OR_RETURN(auto schema, sql_->DescribeTable(table_));
    if (!schema) return Missing();
    return *schema;
  }

  Result<std::unique_ptr<BatchReader>> Read(const ReadOptions& options) override {
    MORTAR_ASSIGN_OR_RETURN(Schema schema, this->schema());
    if (!options.columns.empty()) {
      auto selected = schema.Select(options.columns);
      if (!selected.ok()) return selected.status().WithContext("dataset '" + name() + "'");
      schema = std::move(*selected);
    }
    // A whole-table read by other means (Databricks' direct reads), which finds the
    // table's columns and their types on its own, without asking the database: only
    // while they are the dataset's, so that a table changed under the dataset is refused
    // below, as a query's result is.
    if (options.limit < 0) {
      MORTAR_ASSIGN_OR_RETURN(auto whole, sql_->ReadWholeTable(table_, schema, options.log));
      if (whole) return whole;
    }
    const sql::Dialect& dialect = sql_->dialect();
    std::string columns;
    for (std::size_t i = 0; i < schema.size(); ++i) {
      columns += (i > 0 ? ", " : "") + dialect.QuoteIdentifier(schema[i].name);
    }
    auto reader = QueryWithLimit(
        *sql_, "SELECT " + columns + " FROM " + dialect.TableReference(table_), options.limit);
    if (!reader.ok()) return WhyNotRead(schema, reader.status());
    if ((*reader)->schema() == schema) return std::move(*reader);
    return WithSchema(std::move(*reader), schema);
  }

  Result<std::unique_ptr<BatchWriter>> OpenWriter(const Schema& schema, WriteMode mode) override {
    // Names from outside (a CSV's header) go into the table's DDL: each must be one the
    // database holds as it is.
    const sql::Dialect& dialect = sql_->dialect();
    for (const auto& column : schema.columns()) {
      if (std::string problem = dialect.ColumnNameProblem(column.name); !problem.empty()) {
        return Status::Invalid("column '" + column.name + "' cannot be written to " +
                               dialect.TableReference(table_) + ": " + problem +
                               "; rename it first (a prepare recipe's rename step)");
      }
    }
    return sql_->OpenTableWriter(table_, schema, mode);
  }

  std::optional<std::string> SqlSource() const override {
    return sql_->dialect().TableReference(table_);
  }
  std::optional<sql::TableName> SqlTable() const override { return table_; }

  Result<bool> Exists() override {
    MORTAR_ASSIGN_OR_RETURN(auto schema, sql_->DescribeTable(table_));
    return schema.has_value();
  }

 private:
  Status Missing() const {
    return Status::NotFound("dataset '" + name() + "': table " + table_.ToString() +
                            " does not exist in connection '" + connection().name() +
                            "' (build the dataset first, or fix params.table)");
  }

  // Why the table's query failed: in the dataset's terms when the table or one of the
  // dataset's columns is gone, else the database's own words. The table is described
  // only then, so that a read that works costs one round trip to the database, not two.
  // (Not after an interruption, or when the database refused the credentials.)
  Status WhyNotRead(const Schema& schema, Status failed) {
    if (failed.code() == ErrorCode::kCancelled || failed.code() == ErrorCode::kAuth ||
        failed.code() == ErrorCode::kUnauthenticated) {
      return failed;
    }
    auto existing = sql_->DescribeTable(table_);
    if (!existing.ok()) return failed;
    if (!*existing) return Missing();
    for (std::size_t i = 0; i < schema.size(); ++i) {
      if (!(*existing)->IndexOf(schema[i].name)) {
        return Status::Invalid("dataset '" + name() + "': column '" + schema[i].name +
                               "' of the dataset's schema is not in table " + table_.ToString() +
                               "; update the schema with 'mortar dataset detect'");
      }
    }
    return failed;
  }

  // The query's columns come back with the types the database reports; the dataset's
  // declared schema wins, so a reader built from the query is re-typed here.
  Result<std::unique_ptr<BatchReader>> WithSchema(std::unique_ptr<BatchReader> reader,
                                                  const Schema& schema);

  SqlConnection* sql_;
  sql::TableName table_;
};

class SqlQueryDataset final : public Dataset {
 public:
  SqlQueryDataset(config::DatasetConfig config, Connection* connection, SqlConnection* sql,
                  std::string query)
      : Dataset(std::move(config), connection), sql_(sql), query_(std::move(query)) {}

  Result<Schema> DetectSchema() override { return sql_->QuerySchema(query_); }

  Result<std::unique_ptr<BatchReader>> Read(const ReadOptions& options) override {
    if (options.columns.empty() && options.limit < 0) return sql_->Query(query_);
    std::string columns = options.columns.empty() ? "*" : "";
    for (const auto& column : options.columns)
      columns += (columns.empty() ? "" : ", ") + sql_->dialect().QuoteIdentifier(column);
    return QueryWithLimit(*sql_, "SELECT " + columns + " FROM (" + query_ + ")", options.limit);
  }

  Result<std::unique_ptr<BatchWriter>> OpenWriter(const Schema&, WriteMode) override {
    return Status::Invalid("dataset '" + name() + "' is a SQL query: it can be read, not written");
  }

  std::optional<std::string> SqlSource() const override { return "(" + query_ + ")"; }
  Result<bool> Exists() override { return true; }

 private:
  SqlConnection* sql_;
  std::string query_;
};

// A reader that hands out the batches of another with the declared schema's types.
class RetypedReader final : public BatchReader {
 public:
  RetypedReader(std::unique_ptr<BatchReader> inner, Schema schema)
      : inner_(std::move(inner)), schema_(std::move(schema)), arrow_schema_(schema_.ToArrow()) {}
  const Schema& schema() const override { return schema_; }
  Result<Batch> Next() override {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, inner_->Next());
    if (!batch) return batch;
    return Batch(arrow::RecordBatch::Make(arrow_schema_, batch->num_rows(), batch->columns()));
  }

 private:
  std::unique_ptr<BatchReader> inner_;
  Schema schema_;
  std::shared_ptr<arrow::Schema> arrow_schema_;
};

Result<std::unique_ptr<BatchReader>> SqlTableDataset::WithSchema(
    std::unique_ptr<BatchReader> reader, const Schema& schema) {
  // The SQLite reader already reads with the table's declared types; names may differ
  // in case only. Types that differ mean the table changed under the dataset.
  for (std::size_t i = 0; i < schema.size(); ++i) {
    if (reader->schema()[i].type != schema[i].type) {
      return Status::Invalid("dataset '" + name() + "': column '" + schema[i].name + "' is " +
                             reader->schema()[i].type.ToString() + " in table " +
                             table_.ToString() + " but " + schema[i].type.ToString() +
                             " in the dataset's schema; update it with 'mortar dataset detect'");
    }
  }
  return std::unique_ptr<BatchReader>(new RetypedReader(std::move(reader), schema));
}

class SqlTableDatasetType final : public DatasetType {
 public:
  std::string_view name() const override { return "sql_table"; }
  Result<std::unique_ptr<Dataset>> Create(const config::DatasetConfig& config,
                                          Connection& connection) const override {
    Status error;
    SqlConnection* sql = RequireSql(config, connection, &error);
    if (sql == nullptr) return error;
    config::ConfigObject params(config.params, config.file, "params");
    MORTAR_RETURN_IF_ERROR(params.CheckObject({"catalog", "schema", "table"}));
    sql::TableName table;
    MORTAR_ASSIGN_OR_RETURN(table.catalog, params.StringOr("catalog", ""));
    MORTAR_ASSIGN_OR_RETURN(table.schema, params.StringOr("schema", ""));
    MORTAR_ASSIGN_OR_RETURN(table.table, params.String("table"));
    if (table.table.empty()) return params.Error("table", "must not be empty");
    return std::unique_ptr<Dataset>(new SqlTableDataset(config, &connection, sql, table));
  }
};

class SqlQueryDatasetType final : public DatasetType {
 public:
  std::string_view name() const override { return "sql_query"; }
  Result<std::unique_ptr<Dataset>> Create(const config::DatasetConfig& config,
                                          Connection& connection) const override {
    Status error;
    SqlConnection* sql = RequireSql(config, connection, &error);
    if (sql == nullptr) return error;
    config::ConfigObject params(config.params, config.file, "params");
    MORTAR_RETURN_IF_ERROR(params.CheckObject({"query"}));
    MORTAR_ASSIGN_OR_RETURN(std::string query, params.String("query"));
    while (!query.empty() &&
           (query.back() == ';' || std::isspace(static_cast<unsigned char>(query.back())))) {
      query.pop_back();
    }
    if (query.empty()) return params.Error("query", "must not be empty");
    return std::unique_ptr<Dataset>(new SqlQueryDataset(config, &connection, sql, query));
  }
};

}  // namespace

std::unique_ptr<DatasetType> MakeSqlTableDatasetType() {
  return std::make_unique<SqlTableDatasetType>();
}
std::unique_ptr<DatasetType> MakeSqlQueryDatasetType() {
  return std::make_unique<SqlQueryDatasetType>();
}

}  // namespace mortar::sqldata
