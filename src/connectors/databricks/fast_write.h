// Fast-write into Databricks: rows from outside Databricks are written as staged files
// (Parquet, or gzipped CSV) under a unique prefix of a staging store (an S3 or Azure
// Blob connection), uploaded while reading goes on, and loaded with one statement.
// Databricks gets `COPY INTO` with the store's temporary credential: appended straight
// into the target, or for a replace into the writer's staging table, which is then
// swapped in as usual (COPY INTO cannot replace a table). The open-source Spark Thrift
// server (no COPY INTO) reads the store with its own settings and loads the target
// itself in one Delta transaction: INSERT INTO ... SELECT over the files, or CREATE OR
// REPLACE TABLE ... AS SELECT, so the rows are written once, not loaded and then
// copied. Below min_rows rows the plain INSERT writer does the work.
// Staged files and the local temporary folder are removed whether the write succeeds
// or fails.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "connectors/databricks/copy_into.h"
#include "connectors/staging_store.h"
#include "mortar/config/document.h"
#include "mortar/connectors/connection.h"
#include "mortar/core/batch.h"
#include "mortar/sql/dialect.h"

namespace mortar::databricks {

struct FastWriteSettings {
  bool enabled = false;
  std::string connection;     // an s3 or azure_blob connection, or
  std::string volume;         // a Unity Catalog volume path (/Volumes/c/s/v[/path])
  std::string path;           // the temporary prefix inside it
  std::string load = "auto";  // auto, copy_into or spark_sql
  StagingFormat format = StagingFormat::kParquet;
  int64_t min_rows = 10000;     // fewer rows go through INSERT
  int64_t file_rows = 1000000;  // rows per staged file
};

Result<FastWriteSettings> ParseFastWriteSettings(const config::ConfigObject& params);

// What the fast writer needs from the Databricks connection.
struct FastWriteTarget {
  std::string connection;  // for messages
  const sql::Dialect* dialect = nullptr;
  sql::TableName table;  // the table written
  WriteMode mode = WriteMode::kReplace;
  sql::TableName staging;  // the plain writer's staging table, for a swapped-in load
  Schema schema;
  bool copy_into = false;  // true: Databricks' COPY INTO; false: the Spark SQL equivalent
  std::function<Status(const std::string&)> execute;
  // Creates the table (empty, with the schema) when it does not exist yet: an append
  // loads straight into it.
  std::function<Status()> create_if_missing;
  // Creates the staging table (empty, with the schema) before a load into it: a write
  // that loads straight into the target never has one.
  std::function<Status()> create_staging;
};

// Wraps the plain writer (which owns the staging table and the swap).
std::unique_ptr<BatchWriter> MakeFastWriter(std::unique_ptr<BatchWriter> plain,
                                            FastWriteTarget target, FastWriteSettings settings,
                                            std::unique_ptr<StagingStore> store);

}  // namespace mortar::databricks
