// Fast-write into Databricks: rows from outside Databricks are written as staged
// Parquet files under a unique prefix of an S3 connection, uploaded while reading goes
// on, and loaded with one statement into the writer's staging table, which is then
// swapped in as usual. Databricks gets `COPY INTO` with temporary S3 credentials; the
// open-source Spark Thrift server (no COPY INTO) gets the equivalent INSERT ... SELECT
// over `parquet.\`s3a://...\`` and reads the bucket with its own s3a settings. Below
// min_rows rows the plain INSERT writer does the work. Staged files and the local
// temporary folder are removed whether the write succeeds or fails.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "connectors/s3/s3_client.h"
#include "mortar/config/document.h"
#include "mortar/core/batch.h"
#include "mortar/sql/dialect.h"

namespace mortar::databricks {

struct FastWriteSettings {
  bool enabled = false;
  std::string connection;       // an s3 connection
  std::string path;             // the temporary prefix inside it
  std::string load = "auto";    // auto, copy_into or spark_sql
  int64_t min_rows = 10000;     // fewer rows go through INSERT
  int64_t file_rows = 1000000;  // rows per staged Parquet file
};

Result<FastWriteSettings> ParseFastWriteSettings(const config::ConfigObject& params);

// Where the staged files of one write are, and how to read them.
struct StagedFiles {
  std::string bucket;
  std::string prefix;              // ends with '/'
  s3::AwsCredentials credentials;  // for COPY INTO's temporary credential clause
};

// COPY INTO <table> FROM 's3://bucket/prefix/' WITH (CREDENTIAL (...)) FILEFORMAT = PARQUET.
// The statement holds secrets: never log it.
std::string CopyIntoSql(const sql::Dialect& dialect, const sql::TableName& table,
                        const StagedFiles& files);
// INSERT INTO <table> SELECT CAST(`c` AS <type>), ... FROM parquet.`s3a://bucket/prefix/`.
std::string SparkLoadSql(const sql::Dialect& dialect, const sql::TableName& table,
                         const Schema& schema, const StagedFiles& files);

// What the fast writer needs from the Databricks connection.
struct FastWriteTarget {
  std::string connection;  // for messages
  const sql::Dialect* dialect = nullptr;
  sql::TableName staging;  // the table the plain writer created; loaded, then swapped in
  Schema schema;
  bool copy_into = false;  // true: Databricks' COPY INTO; false: the Spark SQL equivalent
  std::function<Status(const std::string&)> execute;
};

// Wraps the plain writer (which owns the staging table and the swap).
std::unique_ptr<BatchWriter> MakeFastWriter(std::unique_ptr<BatchWriter> plain,
                                            FastWriteTarget target, FastWriteSettings settings,
                                            s3::S3Client client);

}  // namespace mortar::databricks
