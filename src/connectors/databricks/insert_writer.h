// The writer of a Databricks table when fast-write is off: rows as multi-row INSERT
// ... VALUES (about 1 MiB of SQL each) into a staging table, which replaces the target
// (or is appended to it) in one statement on Commit; Abort drops it. Rows that fit in
// one statement need no staging table: Commit writes them into the target in that one
// statement, atomic on Delta.
#pragma once

#include <arrow/api.h>

#include <string>

#include "mortar/connectors/connection.h"
#include "mortar/sql/dialect.h"

namespace mortar::databricks {

// What the writer needs of its connection.
class InsertTarget {
 public:
  virtual ~InsertTarget() = default;
  virtual const sql::Dialect& dialect() const = 0;
  // Runs one statement.
  virtual Status ExecuteOne(const std::string& sql) = 0;
  // Creates the table with the schema unless it exists.
  virtual Status CreateIfMissing(const sql::TableName& table, const Schema& schema) = 0;
};

// INSERT with batched multi-row VALUES into a staging table, swapped in on Commit; or,
// for at most one statement's rows, the target written by that statement alone.
class InsertWriter final : public BatchWriter {
 public:
  InsertWriter(InsertTarget& connection, sql::TableName target, sql::TableName staging,
               Schema schema, WriteMode mode)
      : connection_(connection),
        target_(std::move(target)),
        staging_(std::move(staging)),
        schema_(std::move(schema)),
        mode_(mode) {}
  ~InsertWriter() override { Abort(); }

  Status Write(const arrow::RecordBatch& batch) override;
  Status Commit() override;
  void Abort() override;
  // Creates the staging table, once: before the first rows go in, or before a load
  // into it. A write that loads straight into its target never creates it.
  Status CreateStaging();

 private:
  Status Flush();
  // The rows held, written straight into the target: CREATE OR REPLACE TABLE ... AS
  // SELECT CAST(...) FROM VALUES, or INSERT INTO ... VALUES.
  Status WriteHeldRowsToTarget();
  InsertTarget& connection_;
  sql::TableName target_;
  sql::TableName staging_;
  Schema schema_;
  WriteMode mode_;
  std::string values_;
  int64_t pending_rows_ = 0;
  bool created_ = false;
  bool finished_ = false;
};

}  // namespace mortar::databricks
