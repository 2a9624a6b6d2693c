// Writes batches into an SQLite table inside one transaction. Replace mode fills a
// staging table and renames it over the target in that transaction, so readers see
// the old table until the commit and a failure leaves it untouched.
#include <arrow/api.h>
#include <arrow/util/decimal.h>

#include <algorithm>
#include <random>

#include "connectors/sqlite/sqlite_connection.h"
#include "connectors/staging_table_name.h"
#include "mortar/core/cell_text.h"
#include "mortar/core/value_text.h"

namespace mortar::sqlite {

namespace {

class SqliteWriter final : public BatchWriter {
 public:
  SqliteWriter(SqliteConnection& connection, sql::TableName table, Schema schema, WriteMode mode)
      : connection_(connection),
        table_(std::move(table)),
        schema_(std::move(schema)),
        mode_(mode) {}

  ~SqliteWriter() override { Abort(); }

  Status Open() {
    MORTAR_ASSIGN_OR_RETURN(db_, connection_.Handle());
    const sql::Dialect& dialect = connection_.dialect();
    MORTAR_RETURN_IF_ERROR(connection_.Execute("BEGIN IMMEDIATE"));
    in_transaction_ = true;
    target_ = table_;
    if (mode_ == WriteMode::kReplace) {
      target_.table = StagingTableName(table_);
      MORTAR_RETURN_IF_ERROR(connection_.Execute(dialect.CreateTable(target_, schema_)));
    } else {
      MORTAR_ASSIGN_OR_RETURN(auto existing, connection_.DescribeTable(table_));
      if (!existing) {
        MORTAR_RETURN_IF_ERROR(connection_.Execute(dialect.CreateTable(table_, schema_)));
      } else if (existing->size() != schema_.size()) {
        return Status::Invalid("connection '" + connection_.name() + "': cannot append to " +
                               table_.ToString() + ": it has " + std::to_string(existing->size()) +
                               " columns, the rows have " + std::to_string(schema_.size()));
      }
    }
    // Several rows per statement: fewer statement executions per row.
    rows_per_insert_ = std::max<int64_t>(
        1, std::min<int64_t>(64, 30000 / std::max<std::size_t>(1, schema_.size())));
    MORTAR_ASSIGN_OR_RETURN(insert_many_, PrepareInsert(dialect, rows_per_insert_));
    MORTAR_ASSIGN_OR_RETURN(insert_one_, PrepareInsert(dialect, 1));
    return Status::OK();
  }

  Status Write(const arrow::RecordBatch& batch) override {
    // Columns SQLite has no type for are bound as text.
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (int c = 0; c < batch.num_columns(); ++c) {
      const Type& type = schema_[static_cast<std::size_t>(c)].type;
      if (type.IsNested()) {
        MORTAR_ASSIGN_OR_RETURN(auto text, NestedToJsonText(*batch.column(c)));
        columns.push_back(std::move(text));
      } else {
        columns.push_back(batch.column(c));
      }
    }
    const int64_t rows = batch.num_rows();
    const int columns_count = static_cast<int>(columns.size());
    std::string scratch;
    int64_t row = 0;
    while (row < rows) {
      bool many = rows - row >= rows_per_insert_;
      sqlite3_stmt* insert = many ? insert_many_.get() : insert_one_.get();
      int64_t count = many ? rows_per_insert_ : 1;
      for (int64_t r = 0; r < count; ++r) {
        for (int c = 0; c < columns_count; ++c) {
          MORTAR_RETURN_IF_ERROR(Bind(insert, static_cast<int>(r) * columns_count + c + 1,
                                      *columns[static_cast<std::size_t>(c)], row + r, &scratch));
        }
      }
      int code = sqlite3_step(insert);
      sqlite3_reset(insert);
      if (code != SQLITE_DONE)
        return connection_.Error("inserting into " + table_.ToString(), code);
      row += count;
    }
    return Status::OK();
  }

  Status Commit() override {
    insert_many_ = Statement();
    insert_one_ = Statement();
    if (mode_ == WriteMode::kReplace) {
      const sql::Dialect& dialect = connection_.dialect();
      Status status = connection_.Execute(dialect.DropTableIfExists(table_));
      if (status.ok()) status = connection_.Execute(dialect.RenameTable(target_, table_));
      if (!status.ok()) {
        Abort();
        return status;
      }
    }
    Status status = connection_.Execute("COMMIT");
    if (!status.ok()) {
      Abort();
      return status;
    }
    in_transaction_ = false;
    return Status::OK();
  }

  void Abort() override {
    insert_many_ = Statement();
    insert_one_ = Statement();
    if (in_transaction_) {
      (void)connection_.Execute("ROLLBACK");
      in_transaction_ = false;
    }
  }

 private:
  Result<Statement> PrepareInsert(const sql::Dialect& dialect, int64_t rows) {
    std::string sql = "INSERT INTO " + dialect.TableReference(target_) + " (";
    std::string values = "(";
    for (std::size_t i = 0; i < schema_.size(); ++i) {
      sql += (i > 0 ? ", " : "") + dialect.QuoteIdentifier(schema_[i].name);
      values += i > 0 ? ", ?" : "?";
    }
    values += ")";
    sql += ") VALUES ";
    for (int64_t r = 0; r < rows; ++r) sql += (r > 0 ? ", " : "") + values;
    sqlite3_stmt* raw = nullptr;
    int code = sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr);
    Statement statement(raw);
    if (code != SQLITE_OK)
      return connection_.Error("preparing the insert into " + table_.ToString(), code);
    return statement;
  }

  Status Bind(sqlite3_stmt* insert, int index, const arrow::Array& array, int64_t row,
              std::string* scratch) {
    if (array.IsNull(row)) {
      sqlite3_bind_null(insert, index);
      return Status::OK();
    }
    switch (array.type_id()) {
      case arrow::Type::STRING: {
        auto view = static_cast<const arrow::StringArray&>(array).GetView(row);
        sqlite3_bind_text(insert, index, view.data(), static_cast<int>(view.size()), SQLITE_STATIC);
        break;
      }
      case arrow::Type::BINARY: {
        auto view = static_cast<const arrow::BinaryArray&>(array).GetView(row);
        sqlite3_bind_blob(insert, index, view.data(), static_cast<int>(view.size()), SQLITE_STATIC);
        break;
      }
      case arrow::Type::INT8:
        sqlite3_bind_int64(insert, index, static_cast<const arrow::Int8Array&>(array).Value(row));
        break;
      case arrow::Type::INT16:
        sqlite3_bind_int64(insert, index, static_cast<const arrow::Int16Array&>(array).Value(row));
        break;
      case arrow::Type::INT32:
        sqlite3_bind_int64(insert, index, static_cast<const arrow::Int32Array&>(array).Value(row));
        break;
      case arrow::Type::INT64:
        sqlite3_bind_int64(insert, index, static_cast<const arrow::Int64Array&>(array).Value(row));
        break;
      case arrow::Type::FLOAT:
        sqlite3_bind_double(insert, index, static_cast<const arrow::FloatArray&>(array).Value(row));
        break;
      case arrow::Type::DOUBLE:
        sqlite3_bind_double(insert, index,
                            static_cast<const arrow::DoubleArray&>(array).Value(row));
        break;
      case arrow::Type::BOOL:
        sqlite3_bind_int(insert, index,
                         static_cast<const arrow::BooleanArray&>(array).Value(row) ? 1 : 0);
        break;
      case arrow::Type::DECIMAL128: {
        *scratch = DecimalCellText(array, row);
        sqlite3_bind_text(insert, index, scratch->data(), static_cast<int>(scratch->size()),
                          SQLITE_TRANSIENT);
        break;
      }
      case arrow::Type::DATE32: {
        *scratch = FormatDate(static_cast<const arrow::Date32Array&>(array).Value(row));
        sqlite3_bind_text(insert, index, scratch->data(), static_cast<int>(scratch->size()),
                          SQLITE_TRANSIENT);
        break;
      }
      case arrow::Type::TIMESTAMP: {
        bool zone = !static_cast<const arrow::TimestampType&>(*array.type()).timezone().empty();
        *scratch =
            FormatTimestamp(static_cast<const arrow::TimestampArray&>(array).Value(row), zone);
        sqlite3_bind_text(insert, index, scratch->data(), static_cast<int>(scratch->size()),
                          SQLITE_TRANSIENT);
        break;
      }
      default:
        return Status::Invalid("connection '" + connection_.name() +
                               "': cannot store values of type " + array.type()->ToString());
    }
    return Status::OK();
  }

  SqliteConnection& connection_;
  sql::TableName table_;
  sql::TableName target_;
  Schema schema_;
  WriteMode mode_;
  sqlite3* db_ = nullptr;
  Statement insert_many_;
  Statement insert_one_;
  int64_t rows_per_insert_ = 1;
  bool in_transaction_ = false;
};

}  // namespace

Result<std::unique_ptr<BatchWriter>> OpenSqliteWriter(SqliteConnection& connection,
                                                      const sql::TableName& table,
                                                      const Schema& schema, WriteMode mode) {
  auto writer = std::make_unique<SqliteWriter>(connection, table, schema, mode);
  MORTAR_RETURN_IF_ERROR(writer->Open());
  return std::unique_ptr<BatchWriter>(std::move(writer));
}

}  // namespace mortar::sqlite
