#include "connectors/databricks/cloud_files_sql.h"

#include <gtest/gtest.h>

namespace mortar::databricks {
namespace {

Schema TwoColumns() {
  Schema schema;
  schema.Add(Column{"id", Type::Int64(), true});
  schema.Add(Column{"day", Type::Date(), true});
  return schema;
}

CloudFiles CsvFolder() {
  CloudFiles files;
  files.location = CloudLocation{"lake", "s3", "bucket", "in/sales/"};
  files.format = "csv";
  files.csv_delimiter = ';';
  return files;
}

TEST(CloudFilesSqlTest, CopyIntoReadsCsvWithItsOptionsAndCredentials) {
  s3::AwsCredentials credentials{"AKIA1", "s3cr'et", "token"};
  std::string sql = CopyIntoFromFilesSql(sql::DatabricksDialect(), {"", "main", "t"}, TwoColumns(),
                                         CsvFolder(), credentials);
  EXPECT_EQ(sql,
            "COPY INTO `main`.`t`\n"
            "FROM (SELECT CAST(`id` AS BIGINT) AS `id`,\n"
            "       CAST(`day` AS DATE) AS `day`\n"
            "      FROM 's3://bucket/in/sales/' WITH (CREDENTIAL (AWS_ACCESS_KEY = 'AKIA1', "
            "AWS_SECRET_KEY = 's3cr\\'et', AWS_SESSION_TOKEN = 'token')))\n"
            "FILEFORMAT = CSV\n"
            "FORMAT_OPTIONS ('header' = 'true', 'sep' = ';', 'quote' = '\"', 'escape' = '\"', "
            "'multiLine' = 'true', 'mode' = 'FAILFAST')\n"
            "COPY_OPTIONS ('force' = 'true')");
  EXPECT_EQ(
      ScrubSecrets("failed: " + sql, {credentials.secret_access_key, credentials.session_token},
                   sql::DatabricksDialect())
          .find("s3cr"),
      std::string::npos);
}

TEST(CloudFilesSqlTest, CopyIntoNamesHeaderlessCsvColumnsByPosition) {
  CloudFiles files = CsvFolder();
  files.csv_header = false;
  std::string sql = CopyIntoFromFilesSql(sql::DatabricksDialect(), {"", "", "t"}, TwoColumns(),
                                         files, s3::AwsCredentials{"A", "B", ""});
  EXPECT_NE(sql.find("CAST(_c0 AS BIGINT) AS `id`"), std::string::npos) << sql;
  EXPECT_NE(sql.find("CAST(_c1 AS DATE) AS `day`"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("AWS_SESSION_TOKEN"), std::string::npos);
}

TEST(CloudFilesSqlTest, SparkLoadsCsvThroughATemporaryView) {
  auto statements =
      SparkLoadFilesSql(sql::DatabricksDialect(), {"", "", "t"}, TwoColumns(), CsvFolder(), "v");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0],
            "CREATE OR REPLACE TEMPORARY VIEW `v` (`c0` STRING, `c1` STRING)\n"
            "USING csv OPTIONS ('path' 's3a://bucket/in/sales/', 'header' 'true', 'sep' ';', "
            "'quote' '\"', 'escape' '\"', 'multiLine' 'true', 'mode' 'FAILFAST')");
  EXPECT_EQ(statements[1],
            "INSERT INTO `t`\nSELECT CAST(`c0` AS BIGINT) AS `id`,\n"
            "       CAST(`c1` AS DATE) AS `day`\nFROM `v`");
  EXPECT_EQ(statements[2], "DROP VIEW IF EXISTS `v`");
}

TEST(CloudFilesSqlTest, SparkLoadsParquetFromS3a) {
  CloudFiles files = CsvFolder();
  files.format = "parquet";
  auto statements =
      SparkLoadFilesSql(sql::DatabricksDialect(), {"", "", "t"}, TwoColumns(), files, "v");
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_NE(statements[0].find("FROM parquet.`s3a://bucket/in/sales/`"), std::string::npos)
      << statements[0];
}

TEST(CloudFilesSqlTest, UnloadWritesOneFileForASingleFileDataset) {
  CloudFiles files = CsvFolder();
  files.single_file = true;
  files.gzip = true;
  EXPECT_EQ(UnloadSql(sql::DatabricksDialect(), "SELECT * FROM `t`", files, "s3a://bucket/_tmp/"),
            "INSERT OVERWRITE DIRECTORY 's3a://bucket/_tmp/'\n"
            "USING CSV OPTIONS ('header' = 'true', 'sep' = ';', 'quote' = '\"', 'escape' = '\"', "
            "'compression' = 'gzip')\n"
            "SELECT /*+ COALESCE(1) */ *\nFROM (SELECT * FROM `t`) AS src");
  files.format = "parquet";
  files.single_file = false;
  EXPECT_EQ(
      UnloadSql(sql::DatabricksDialect(), "SELECT 1", files, "s3://b/p/"),
      "INSERT OVERWRITE DIRECTORY 's3://b/p/'\nUSING PARQUET\nSELECT *\nFROM (SELECT 1) AS src");
}

}  // namespace
}  // namespace mortar::databricks
