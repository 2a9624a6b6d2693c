// The statements that load a write's staged files into a table: Databricks' COPY INTO
// (with the temporary credential of the staging store) and, for open-source Spark,
// which has no COPY INTO, the equivalent INSERT ... SELECT over the files. Staged
// Parquet files carry their schema; staged CSV files have no header and are read by
// position (_c0, _c1, ...) and cast to the table's types.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/staging_store.h"
#include "mortar/connectors/connection.h"
#include "mortar/core/schema.h"
#include "mortar/sql/dialect.h"

namespace mortar::databricks {

// '<uri>' [WITH (CREDENTIAL (...))]: where COPY INTO reads the files. Holds secrets.
std::string CopyIntoSource(const sql::Dialect& dialect, const StagedFiles& files);

// COPY INTO <table> FROM '<uri>' [WITH (CREDENTIAL (...))] FILEFORMAT = ...
// The statement holds secrets: never log it.
std::string CopyIntoSql(const sql::Dialect& dialect, const sql::TableName& table,
                        const Schema& schema, const StagedFiles& files);

// "CAST(<source(i)> AS <type>) AS <name>" for each column of the schema, joined by
// `separator`; source(i) is the SQL expression that names column i in the files.
std::string CastColumns(const sql::Dialect& dialect, const Schema& schema,
                        const std::function<std::string(std::size_t)>& source,
                        const std::string& separator);

// A Spark SQL load writes its table in one Delta transaction either way: rows appended
// (INSERT INTO <table>), or the table replaced by the rows (CREATE OR REPLACE TABLE
// <table> USING DELTA AS; readers see the old table or the new one).
// "INSERT INTO <table>\nSELECT " or ReplaceTableHead(...) + "\nSELECT ".
std::string SparkLoadHead(const sql::Dialect& dialect, const sql::TableName& table,
                          const Schema& schema, WriteMode mode);

// "CREATE OR REPLACE TABLE <table> USING DELTA AS", with the TBLPROPERTIES the schema
// needs (sql/delta_table_properties.h: column mapping for names Delta refuses without
// it, the timestampNtz feature).
std::string ReplaceTableHead(const sql::Dialect& dialect, const sql::TableName& table,
                             const Schema& schema);

// The Spark SQL statements, run in order in one session: INSERT INTO <table> SELECT
// CAST(...) FROM parquet.`<spark_uri>` (or CREATE OR REPLACE TABLE ... AS SELECT), or
// for CSV a temporary view over the files, the load, and the view dropped.
std::vector<std::string> SparkLoadSql(const sql::Dialect& dialect, const sql::TableName& table,
                                      const Schema& schema, const StagedFiles& files,
                                      WriteMode mode = WriteMode::kAppend);

}  // namespace mortar::databricks
