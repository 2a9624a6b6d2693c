#include "connectors/databricks/copy_into.h"

#include "sql/delta_table_properties.h"

namespace mortar::databricks {

namespace {

// The staged columns: by name for Parquet, by position for header-less CSV.
std::string StagedCastColumns(const sql::Dialect& dialect, const Schema& schema,
                              StagingFormat format, const std::string& separator) {
  return CastColumns(
      dialect, schema,
      [&](std::size_t i) {
        return dialect.QuoteIdentifier(
            format == StagingFormat::kParquet ? schema[i].name : "_c" + std::to_string(i));
      },
      separator);
}

// Arrow's CSV writer quotes RFC 4180 style (a quote inside a value is doubled), keeps
// line breaks inside quoted values, quotes every string (an empty one is "") and writes
// a null as nothing. Spark's reader turns a missing value into `nullValue` and then
// every value equal to `nullValue` into null, so with its default ("") empty strings
// would come back as nulls: a marker no real value holds keeps them apart.
constexpr char kCsvNullMarker[] = "__mortar_null_6d6f72746172__";

std::string CsvReaderOptions(const sql::Dialect& dialect, const std::string& separator) {
  return dialect.QuoteString("header") + separator + dialect.QuoteString("false") + ", " +
         dialect.QuoteString("escape") + separator + dialect.QuoteString("\"") + ", " +
         dialect.QuoteString("multiLine") + separator + dialect.QuoteString("true") + ", " +
         dialect.QuoteString("nullValue") + separator + dialect.QuoteString(kCsvNullMarker);
}

}  // namespace

std::string CastColumns(const sql::Dialect& dialect, const Schema& schema,
                        const std::function<std::string(std::size_t)>& source,
                        const std::string& separator) {
  std::string columns;
  for (std::size_t i = 0; i < schema.size(); ++i) {
    columns += std::string(columns.empty() ? "" : separator) + "CAST(" + source(i) + " AS " +
               dialect.NativeType(schema[i].type) + ") AS " +
               dialect.QuoteIdentifier(schema[i].name);
  }
  return columns;
}

std::string CopyIntoSource(const sql::Dialect& dialect, const StagedFiles& files) {
  std::string source = dialect.QuoteString(files.copy_into_uri);
  if (files.credential.empty()) return source;
  std::string credential;
  for (const auto& [name, value] : files.credential)
    credential += (credential.empty() ? "" : ", ") + name + " = " + dialect.QuoteString(value);
  return source + " WITH (CREDENTIAL (" + credential + "))";
}

std::string CopyIntoSql(const sql::Dialect& dialect, const sql::TableName& table,
                        const Schema& schema, const StagedFiles& files) {
  std::string source = CopyIntoSource(dialect, files);
  std::string sql = "COPY INTO " + dialect.TableReference(table) + "\n";
  if (files.format == StagingFormat::kParquet) {
    sql += "FROM " + source + "\nFILEFORMAT = PARQUET\n";
  } else {
    sql += "FROM (SELECT " + StagedCastColumns(dialect, schema, files.format, ",\n             ") +
           "\n      FROM " + source + ")\nFILEFORMAT = CSV\nFORMAT_OPTIONS (" +
           CsvReaderOptions(dialect, " = ") + ")\n";
  }
  // The prefix is new for each write; 'force' keeps COPY INTO from skipping a file
  // whose name it has seen loaded before.
  return sql + "COPY_OPTIONS ('force' = 'true')";
}

std::string ReplaceTableHead(const sql::Dialect& dialect, const sql::TableName& table,
                             const Schema& schema) {
  return "CREATE OR REPLACE TABLE " + dialect.TableReference(table) + " USING DELTA" +
         sql::DeltaTableProperties(schema, /*replacing=*/true) + " AS";
}

std::string SparkLoadHead(const sql::Dialect& dialect, const sql::TableName& table,
                          const Schema& schema, WriteMode mode) {
  return (mode == WriteMode::kAppend ? "INSERT INTO " + dialect.TableReference(table)
                                     : ReplaceTableHead(dialect, table, schema)) +
         "\nSELECT ";
}

std::vector<std::string> SparkLoadSql(const sql::Dialect& dialect, const sql::TableName& table,
                                      const Schema& schema, const StagedFiles& files,
                                      WriteMode mode) {
  std::string load = SparkLoadHead(dialect, table, schema, mode) +
                     StagedCastColumns(dialect, schema, files.format, ",\n       ");
  if (files.format == StagingFormat::kParquet)
    return {load + "\nFROM parquet." + dialect.QuoteIdentifier(files.spark_uri)};
  // csv.`path` takes no options: a temporary view carries them.
  std::string view = dialect.QuoteIdentifier(table.table + "_files");
  return {"CREATE OR REPLACE TEMPORARY VIEW " + view + "\nUSING csv\nOPTIONS (path " +
              dialect.QuoteString(files.spark_uri) + ", " + CsvReaderOptions(dialect, " ") + ")",
          load + "\nFROM " + view, "DROP VIEW IF EXISTS " + view};
}

}  // namespace mortar::databricks
