#include "connectors/databricks/insert_writer.h"

#include "connectors/databricks/copy_into.h"
#include "connectors/databricks/spark_literal.h"
#include "mortar/core/interrupt.h"

namespace mortar::databricks {

// About 1 MiB of SQL per INSERT statement keeps requests well under server limits.
constexpr std::size_t kInsertBytes = 1 << 20;

Status InsertWriter::Write(const arrow::RecordBatch& batch) {
  const sql::Dialect& dialect = connection_.dialect();
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    values_ += pending_rows_ == 0 ? "(" : ",\n(";
    for (int c = 0; c < batch.num_columns(); ++c) {
      if (c > 0) values_ += ", ";
      AppendSparkLiteral(dialect, *batch.column(c), row, schema_[static_cast<std::size_t>(c)].type,
                         &values_);
    }
    values_ += ")";
    ++pending_rows_;
    if (values_.size() > kInsertBytes) MORTAR_RETURN_IF_ERROR(Flush());
  }
  return Status::OK();
}

Status InsertWriter::CreateStaging() {
  if (created_) return Status::OK();
  created_ = true;  // from the attempt on: a failed CREATE may still have made it
  return connection_.ExecuteOne(connection_.dialect().CreateTable(staging_, schema_));
}

Status InsertWriter::Flush() {
  if (pending_rows_ == 0) return Status::OK();
  MORTAR_RETURN_IF_ERROR(CreateStaging());
  std::string sql =
      "INSERT INTO " + connection_.dialect().TableReference(staging_) + " VALUES\n" + values_;
  values_.clear();
  pending_rows_ = 0;
  return connection_.ExecuteOne(sql);
}

Status InsertWriter::WriteHeldRowsToTarget() {
  const sql::Dialect& dialect = connection_.dialect();
  Log("writing " + std::to_string(pending_rows_) + " row(s) into " +
      dialect.TableReference(target_) + " in one statement, with no staging table: " +
      (mode_ == WriteMode::kAppend ? "INSERT INTO ... VALUES"
                                   : "CREATE OR REPLACE TABLE ... AS SELECT FROM VALUES"));
  if (mode_ == WriteMode::kAppend) {
    MORTAR_RETURN_IF_ERROR(connection_.CreateIfMissing(target_, schema_));
    return connection_.ExecuteOne("INSERT INTO " + dialect.TableReference(target_) + " VALUES\n" +
                                  values_);
  }
  // VALUES types each column by its literals (a column of NULLs has no type): the casts
  // give the table the schema's types, as the staging table's would.
  auto value_column = [&](std::size_t i) {
    return dialect.QuoteIdentifier("_" + std::to_string(i));
  };
  std::string names;
  for (std::size_t i = 0; i < schema_.size(); ++i) names += (i ? ", " : "") + value_column(i);
  return connection_.ExecuteOne(ReplaceTableHead(dialect, target_, schema_) + "\nSELECT " +
                                CastColumns(dialect, schema_, value_column, ", ") +
                                "\nFROM VALUES\n" + values_ + " AS held(" + names + ")");
}

Status InsertWriter::Commit() {
  if (!created_ && pending_rows_ > 0) {
    Status status = WriteHeldRowsToTarget();
    Abort();
    return status;
  }
  Status status = Flush();
  if (status.ok()) status = CreateStaging();  // no rows: the target still gets the schema
  const sql::Dialect& dialect = connection_.dialect();
  if (status.ok()) {
    if (mode_ == WriteMode::kReplace) {
      status = connection_.ExecuteOne(ReplaceTableHead(dialect, target_, schema_) +
                                      " SELECT * FROM " + dialect.TableReference(staging_));
    } else {
      status = connection_.CreateIfMissing(target_, schema_);
      if (status.ok()) {
        status = connection_.ExecuteOne("INSERT INTO " + dialect.TableReference(target_) +
                                        " SELECT * FROM " + dialect.TableReference(staging_));
      }
    }
  }
  Abort();  // drops the staging table either way
  return status;
}

void InsertWriter::Abort() {
  if (finished_) return;
  finished_ = true;
  values_.clear();
  // Run to its end after Ctrl-C too, not cancelled before its first poll.
  CleanupScope cleanup;
  if (created_) (void)connection_.ExecuteOne(connection_.dialect().DropTableIfExists(staging_));
}

}  // namespace mortar::databricks
