#include "connectors/databricks/connection_string.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace mortar::databricks {
namespace {

TEST(ConnectionStringTest, ReadsAJdbcUrl) {
  auto params = ParamsFromJdbcUrl(
      "jdbc:databricks://adb-123.4.azuredatabricks.net:443/default;transportMode=http;ssl=1;"
      "httpPath=sql/1.0/warehouses/abc123;AuthMech=3;ConnCatalog=main;ConnSchema=sales");
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  EXPECT_EQ((*params)["host"], "adb-123.4.azuredatabricks.net");
  EXPECT_EQ((*params)["port"], 443);
  EXPECT_EQ((*params)["http_path"], "/sql/1.0/warehouses/abc123");
  EXPECT_EQ((*params)["catalog"], "main");
  EXPECT_EQ((*params)["schema"], "sales");
}

TEST(ConnectionStringTest, RefusesSecretsAndBadUrls) {
  auto secret =
      ParamsFromJdbcUrl("jdbc:databricks://h:443/default;httpPath=/x;UID=token;PWD=dapiSECRET");
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.status().message().find("dapiSECRET"), std::string::npos);
  EXPECT_NE(secret.status().message().find("--token-env"), std::string::npos);
  EXPECT_FALSE(ParamsFromJdbcUrl("jdbc:mysql://h/db").ok());
  EXPECT_FALSE(ParamsFromJdbcUrl("jdbc:databricks://h:99999/default;httpPath=/x").ok());
  EXPECT_FALSE(ParamsFromJdbcUrl("jdbc:databricks://h:443/default;AuthMech=3").ok());
}

TEST(ConnectionStringTest, ReadsAProfile) {
  std::string path = ::testing::TempDir() + "/databrickscfg";
  std::ofstream(path)
      << "[DEFAULT]\nhost = https://a.example\ntoken = t1\n\n[dev]\nhost=https://b.example\n"
         "token=t2\n";
  auto profile = ReadConfigProfile(path, "dev");
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ((*profile)["host"], "https://b.example");
  EXPECT_EQ((*profile)["token"], "t2");
  EXPECT_EQ(ReadConfigProfile(path, "prod").status().code(), ErrorCode::kNotFound);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace mortar::databricks
