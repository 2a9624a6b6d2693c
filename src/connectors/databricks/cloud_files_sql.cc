#include "connectors/databricks/cloud_files_sql.h"

#include "connectors/databricks/fast_write.h"

namespace mortar::databricks {

namespace {

// The options of CSV files as Spark's CSV source names them, for reading or writing.
std::string CsvOptions(const sql::Dialect& dialect, const CloudFiles& files, const char* equals,
                       bool reading) {
  auto option = [&](const std::string& name, const std::string& value) {
    return dialect.QuoteString(name) + equals + dialect.QuoteString(value);
  };
  std::string quote(1, files.csv_quote);
  std::string options = option("header", files.csv_header ? "true" : "false") + ", " +
                        option("sep", std::string(1, files.csv_delimiter)) + ", " +
                        option("quote", quote) + ", " + option("escape", quote);
  if (reading)
    return options + ", " + option("multiLine", "true") + ", " + option("mode", "FAILFAST");
  return options + ", " + option("compression", files.gzip ? "gzip" : "none");
}

}  // namespace

std::string CopyIntoFromFilesSql(const sql::Dialect& dialect, const sql::TableName& table,
                                 const Schema& schema, const CloudFiles& files,
                                 const StagedFiles& located) {
  bool csv = files.format == "csv";
  // Without a header, Databricks names CSV columns _c0, _c1, ...
  std::string columns = CastColumns(
      dialect, schema,
      [&](std::size_t i) {
        return csv && !files.csv_header ? "_c" + std::to_string(i)
                                        : dialect.QuoteIdentifier(schema[i].name);
      },
      ",\n       ");
  std::string sql = "COPY INTO " + dialect.TableReference(table) + "\nFROM (SELECT " + columns +
                    "\n      FROM " + CopyIntoSource(dialect, located) +
                    ")\nFILEFORMAT = " + (csv ? "CSV" : "PARQUET") + "\n";
  if (csv) sql += "FORMAT_OPTIONS (" + CsvOptions(dialect, files, " = ", true) + ")\n";
  return sql + "COPY_OPTIONS ('force' = 'true')";
}

std::vector<std::string> SparkLoadFilesSql(const sql::Dialect& dialect, const sql::TableName& table,
                                           const Schema& schema, const CloudFiles& files,
                                           const std::string& spark_uri, const std::string& view,
                                           WriteMode mode) {
  if (files.format == "parquet") {
    StagedFiles staged;
    staged.spark_uri = spark_uri;
    staged.format = StagingFormat::kParquet;
    return SparkLoadSql(dialect, table, schema, staged, mode);
  }
  // Columns by position, as text, whatever the header says.
  std::string text_columns;
  for (std::size_t i = 0; i < schema.size(); ++i)
    text_columns += std::string(i ? ", " : "") + "`c" + std::to_string(i) + "` STRING";
  std::string quoted_view = dialect.QuoteIdentifier(view);
  return {"CREATE OR REPLACE TEMPORARY VIEW " + quoted_view + " (" + text_columns +
              ")\nUSING csv OPTIONS (" + dialect.QuoteString("path") + " " +
              dialect.QuoteString(spark_uri) + ", " + CsvOptions(dialect, files, " ", true) + ")",
          SparkLoadHead(dialect, table, schema, mode) +
              CastColumns(
                  dialect, schema, [](std::size_t i) { return "`c" + std::to_string(i) + "`"; },
                  ",\n       ") +
              "\nFROM " + quoted_view,
          "DROP VIEW IF EXISTS " + quoted_view};
}

std::string UnloadSql(const sql::Dialect& dialect, const std::string& select_sql,
                      const CloudFiles& files, const std::string& folder_uri) {
  std::string sql = "INSERT OVERWRITE DIRECTORY " + dialect.QuoteString(folder_uri) + "\nUSING ";
  if (files.format == "csv") {
    sql += "CSV OPTIONS (" + CsvOptions(dialect, files, " = ", false) + ")";
  } else {
    sql += "PARQUET";
  }
  // One file for a single-file dataset: the database writes it from one partition.
  return sql + "\nSELECT " + (files.single_file ? "/*+ COALESCE(1) */ " : "") + "*\nFROM (" +
         select_sql + ") AS src";
}

std::string ScrubSecrets(std::string text, const std::vector<std::string>& secrets,
                         const sql::Dialect& dialect) {
  for (const std::string& raw : secrets) {
    if (raw.empty()) continue;
    std::string quoted = dialect.QuoteString(raw);
    for (const std::string& secret : {quoted.substr(1, quoted.size() - 2), raw}) {
      for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret))
        text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

}  // namespace mortar::databricks
