#include "connectors/databricks/odbc_attributes.h"

#include <gtest/gtest.h>

namespace mortar::databricks {
namespace {

ConnectionSettings Warehouse() {
  ConnectionSettings settings;
  settings.host = "adb-1.azuredatabricks.net";
  settings.http_path = "/sql/1.0/warehouses/abc";
  settings.catalog = "main";
  return settings;
}

TEST(OdbcAttributesTest, SendsTheDriversKeysWithSessionsInUtc) {
  OdbcAttributes expected = {{"Host", "adb-1.azuredatabricks.net"},
                             {"Port", "443"},
                             {"HTTPPath", "/sql/1.0/warehouses/abc"},
                             {"SSL", "1"},
                             {"ThriftTransport", "2"},
                             {"AuthMech", "3"},
                             {"UID", "token"},
                             {"Catalog", "main"},
                             {"SSP_timezone", "UTC"}};
  EXPECT_EQ(OdbcConnectionAttributes(Warehouse()), expected);
}

TEST(OdbcAttributesTest, OptionsReplaceAddOrRemoveKeys) {
  ConnectionSettings settings = Warehouse();
  settings.driver_options = {{"ssl", "0"},  // ODBC keys have no case
                             {"UseNativeQuery", "1"},
                             {"SSP_TIMEZONE", ""},
                             {"Catalog", "sales"}};
  OdbcAttributes expected = {{"Host", "adb-1.azuredatabricks.net"},
                             {"Port", "443"},
                             {"HTTPPath", "/sql/1.0/warehouses/abc"},
                             {"SSL", "0"},
                             {"ThriftTransport", "2"},
                             {"AuthMech", "3"},
                             {"UID", "token"},
                             {"Catalog", "sales"},
                             {"UseNativeQuery", "1"}};
  EXPECT_EQ(OdbcConnectionAttributes(settings), expected);
}

TEST(OdbcAttributesTest, RefusesKeysThatAddAttributesLoadLibrariesOrCarrySecrets) {
  EXPECT_EQ(OdbcOptionProblem("UseNativeQuery", "1"), "");
  EXPECT_EQ(OdbcOptionProblem("SSP_spark.sql.ansi.enabled", "true"), "");
  EXPECT_EQ(OdbcOptionProblem("Proxy-Host", "{a;b}"), "");  // values are braced when sent
  for (const char* key : {"x;Driver", "Driver", "driver", "DSN", "FileDSN", "SAVEFILE"})
    EXPECT_NE(OdbcOptionProblem(key, "/tmp/other.so"), "") << key;
  EXPECT_NE(OdbcOptionProblem("a=b", "1").find("not an ODBC key"), std::string::npos);
  EXPECT_NE(OdbcOptionProblem("", "1"), "");
  EXPECT_NE(OdbcOptionProblem(std::string(129, 'k'), "1"), "");
  EXPECT_NE(OdbcOptionProblem("pwd", "dapi").find("token"), std::string::npos);
  EXPECT_NE(OdbcOptionProblem("Host", std::string(4097, 'h')), "");
  EXPECT_NE(OdbcOptionProblem("Host", std::string("a\0b", 3)), "");
}

}  // namespace
}  // namespace mortar::databricks
