// Runs every load case under test/load/: a staging store (s3 or azure_blob, built as a
// connection would build it, with made-up secrets), a prefix, a table and its schema,
// and the exact statements fast-write sends: COPY INTO for Databricks and the Spark SQL
// equivalent for open-source Spark. No server is involved; the stand-in runs the Spark
// SQL form in tests/integration/test_fast_write.py.
#include "connectors/databricks/copy_into.h"

#include <gtest/gtest.h>

#include <fstream>

#include "connectors/databricks/staging_store.h"
#include "mortar/config/model.h"

namespace mortar::databricks {
namespace {

namespace fs = std::filesystem;
using Json = config::Json;

std::vector<fs::path> CaseFiles() {
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(MORTAR_SOURCE_DIR) / "test" / "load")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A statement given as an array of lines (easier to read in JSON) or one string.
std::string Lines(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::string text;
  for (const auto& line : value) text += (text.empty() ? "" : "\n") + line.get<std::string>();
  return text;
}

// The store of a case; "now" (Unix seconds) fixes the clock of a SAS Mortar signs.
std::unique_ptr<StagingStore> StoreFromCase(const Json& test) {
  const Json& store = test.at("store");
  std::string type = store.at("type").get<std::string>();
  if (type == "s3") {
    s3::S3Settings settings;
    settings.connection = "stage";
    settings.bucket = store.at("bucket").get<std::string>();
    settings.credentials = {store.at("access_key_id").get<std::string>(),
                            store.at("secret_access_key").get<std::string>(),
                            store.value("session_token", "")};
    return MakeS3StagingStore(s3::S3Client(settings));
  }
  azure::AzureSettings settings;
  settings.connection = "stage";
  settings.container = store.at("container").get<std::string>();
  settings.credentials = {store.at("account").get<std::string>(), store.value("account_key", ""),
                          store.value("sas_token", "")};
  int64_t now = test.value("now", int64_t{0});
  return MakeAzureStagingStore(azure::AzureBlobClient(settings), [now] { return now; });
}

TEST(LoadCasesTest, EveryCaseGivesTheExactStatements) {
  auto files = CaseFiles();
  ASSERT_GE(files.size(), 4u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    std::ifstream in(file);
    Json test = Json::parse(in);
    config::ConfigObject object(test, file.string());
    auto schema = config::SchemaFromJson(object, "schema");
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    auto store = StoreFromCase(test);
    StagingFormat format = test.value("format", "parquet") == "parquet" ? StagingFormat::kParquet
                                                                        : StagingFormat::kCsvGzip;
    sql::TableName table{test.at("table").value("catalog", ""),
                         test.at("table").value("schema", ""),
                         test.at("table").at("table").get<std::string>()};
    const Json& expected = test.at("expected");
    for (bool copy_into : {true, false}) {
      std::string key = copy_into ? "copy_into" : "spark_sql";
      if (!expected.contains(key)) continue;
      auto located = store->Locate(test.at("prefix").get<std::string>(), format, copy_into);
      if (expected.at(key).is_object()) {  // {"error": "..."}
        ASSERT_FALSE(located.ok()) << key;
        EXPECT_NE(located.status().message().find(expected.at(key).at("error").get<std::string>()),
                  std::string::npos)
            << located.status().message();
        continue;
      }
      ASSERT_TRUE(located.ok()) << located.status().ToString();
      if (copy_into) {
        EXPECT_EQ(CopyIntoSql(sql::DatabricksDialect(), table, *schema, *located),
                  Lines(expected.at(key)));
      } else {
        // "spark_sql" appends; "spark_sql_replace", where given, replaces the table.
        for (WriteMode mode : {WriteMode::kAppend, WriteMode::kReplace}) {
          std::string name = mode == WriteMode::kAppend ? key : key + "_replace";
          if (!expected.contains(name)) continue;
          auto statements = SparkLoadSql(sql::DatabricksDialect(), table, *schema, *located, mode);
          ASSERT_EQ(statements.size(), expected.at(name).size());
          for (std::size_t i = 0; i < statements.size(); ++i)
            EXPECT_EQ(statements[i], Lines(expected.at(name)[i])) << name << " statement " << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace mortar::databricks
