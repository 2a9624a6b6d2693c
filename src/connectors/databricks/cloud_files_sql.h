// The statements of the sync engines that let Databricks (or the open-source Spark
// server) read and write files on cloud storage itself: "cloud to Databricks" loads a
// files dataset on S3 or Azure Blob into a table, "Databricks to cloud" writes a query's rows as
// files. Fast-write's staged loads are in fast_write.h; these load files a user owns.
#pragma once

#include <string>
#include <vector>

#include "connectors/databricks/copy_into.h"
#include "mortar/connectors/connection.h"
#include "mortar/sql/dialect.h"

namespace mortar::databricks {

// Databricks: COPY INTO <table> FROM (SELECT CAST(...) FROM 's3://...' WITH
// (CREDENTIAL (...))) FILEFORMAT = CSV|PARQUET ...; `located` is where the store's
// connection puts the files for COPY INTO (s3:// or abfss://, with AWS keys or an
// AZURE_SAS_TOKEN). Holds secrets: never log it.
std::string CopyIntoFromFilesSql(const sql::Dialect& dialect, const sql::TableName& table,
                                 const Schema& schema, const CloudFiles& files,
                                 const StagedFiles& located);

// Open-source Spark (no COPY INTO): Parquet is read as parquet.`<spark_uri>`; CSV
// through a temporary view with the file's options (`view` names it), whose text
// columns are cast to the table's types. Spark reads s3a:// and abfs:// with its own
// Hadoop settings.
std::vector<std::string> SparkLoadFilesSql(const sql::Dialect& dialect, const sql::TableName& table,
                                           const Schema& schema, const CloudFiles& files,
                                           const std::string& spark_uri, const std::string& view,
                                           WriteMode mode = WriteMode::kAppend);

// INSERT OVERWRITE DIRECTORY '<folder>' USING PARQUET|CSV OPTIONS (...) SELECT ...:
// the database writes the rows of `select_sql` as files under `folder_uri` (s3:// or
// abfss:// on Databricks, s3a:// or abfs:// on open-source Spark); one file when
// files.single_file.
std::string UnloadSql(const sql::Dialect& dialect, const std::string& select_sql,
                      const CloudFiles& files, const std::string& folder_uri);

// `text` with the secrets replaced by ***, as they are and as quoted in SQL by
// `dialect` (a server may echo a statement, credential clause included, in its error).
std::string ScrubSecrets(std::string text, const std::vector<std::string>& secrets,
                         const sql::Dialect& dialect);

}  // namespace mortar::databricks
