// Runs every sync case under test/sync/: a files dataset on a store (s3 or azure_blob,
// built as a connection would build it, with made-up secrets), a table and its schema,
// and the exact statements of the sync engines: the cloud-to-databricks load (COPY
// INTO on Databricks, Spark SQL on the open-source server, appending or replacing) and
// the databricks-to-cloud unload. tests/integration/test_sync_engines.py runs the
// open-source forms on the stand-in.
#include "connectors/databricks/cloud_files_sql.h"

#include "connectors/databricks/load_cases_test_util.h"

namespace mortar::databricks {
namespace {

CloudFiles FilesFromCase(const Json& test) {
  const Json& store = test.at("store");
  const Json& files = test.at("files");
  CloudFiles result;
  if (store.at("type") == "s3") {
    result.location = {"stage", "s3", store.at("bucket").get<std::string>(),
                       files.at("path").get<std::string>(), ""};
  } else {
    result.location = {"stage", "abfss", store.at("container").get<std::string>(),
                       files.at("path").get<std::string>(), store.at("account").get<std::string>()};
  }
  result.format = files.at("format").get<std::string>();
  result.csv_header = files.value("csv_header", true);
  result.csv_delimiter = files.value("csv_delimiter", ",").at(0);
  result.gzip = files.value("gzip", false);
  result.single_file = files.value("single_file", false);
  return result;
}

TEST(SyncCasesTest, EveryCaseGivesTheExactStatements) {
  auto cases = CaseFiles("sync");
  ASSERT_GE(cases.size(), 4u);
  const sql::Dialect& dialect = sql::DatabricksDialect();
  for (const auto& file : cases) {
    SCOPED_TRACE(file.string());
    Json test = ReadCase(file);
    auto schema = SchemaFromCase(test, file);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    auto store = StoreFromCase(test);
    CloudFiles files = FilesFromCase(test);
    sql::TableName table = TableFromCase(test);
    const Json& expected = test.at("expected");
    for (bool copy_into : {true, false}) {
      auto located = store->Locate(files.location.path, StagingFormat::kParquet, copy_into);
      ASSERT_TRUE(located.ok()) << located.status().ToString();
      if (copy_into) {
        EXPECT_EQ(located->copy_into_uri, files.location.Uri());
        EXPECT_EQ(CopyIntoFromFilesSql(dialect, table, *schema, files, *located),
                  Lines(expected.at("copy_into")));
        EXPECT_EQ(UnloadSql(dialect, "SELECT * FROM t", files, located->copy_into_uri),
                  Lines(expected.at("unload_databricks")));
        continue;
      }
      ExpectStatements(SparkLoadFilesSql(dialect, table, *schema, files, located->spark_uri, "v"),
                       expected.at("spark_sql"), "spark_sql");
      ExpectStatements(SparkLoadFilesSql(dialect, table, *schema, files, located->spark_uri, "v",
                                         WriteMode::kReplace),
                       expected.at("spark_sql_replace"), "spark_sql_replace");
      EXPECT_EQ(UnloadSql(dialect, "SELECT * FROM t", files, located->spark_uri),
                Lines(expected.at("unload_spark")));
    }
  }
}

TEST(CloudFilesSqlTest, SecretsAreScrubbedAsTheyAreAndAsQuoted) {
  std::string message =
      "failed: COPY INTO t FROM 'x' WITH (CREDENTIAL (AWS_SECRET_KEY = "
      "'s3cr\\'et', AWS_SESSION_TOKEN = 'token')) and s3cr'et";
  std::string scrubbed = ScrubSecrets(message, {"s3cr'et", "token", ""}, sql::DatabricksDialect());
  EXPECT_EQ(scrubbed.find("s3cr"), std::string::npos) << scrubbed;
  EXPECT_EQ(scrubbed.find("token'"), std::string::npos) << scrubbed;
  EXPECT_NE(scrubbed.find("AWS_SECRET_KEY = '***'"), std::string::npos) << scrubbed;
}

}  // namespace
}  // namespace mortar::databricks
