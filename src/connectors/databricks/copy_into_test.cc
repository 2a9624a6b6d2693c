// Runs every load case under test/load/: a staging store (s3 or azure_blob, built as a
// connection would build it, with made-up secrets), a prefix, a table and its schema,
// and the exact statements fast-write sends: COPY INTO for Databricks and the Spark SQL
// equivalent for open-source Spark. No server is involved; the stand-in runs the Spark
// SQL form in tests/integration/test_fast_write.py.
#include "connectors/databricks/copy_into.h"

#include "connectors/databricks/load_cases_test_util.h"

namespace mortar::databricks {
namespace {

TEST(LoadCasesTest, EveryCaseGivesTheExactStatements) {
  auto files = CaseFiles("load");
  ASSERT_GE(files.size(), 4u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    Json test = ReadCase(file);
    auto schema = SchemaFromCase(test, file);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    auto store = StoreFromCase(test);
    StagingFormat format = test.value("format", "parquet") == "parquet" ? StagingFormat::kParquet
                                                                        : StagingFormat::kCsvGzip;
    sql::TableName table = TableFromCase(test);
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
          ExpectStatements(SparkLoadSql(sql::DatabricksDialect(), table, *schema, *located, mode),
                           expected.at(name), name);
        }
      }
    }
  }
}

}  // namespace
}  // namespace mortar::databricks
