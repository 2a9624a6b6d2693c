#include "connectors/azure/vended_azure_store.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace mortar::azure {
namespace {

VendedLocation Location(std::string url, std::string endpoint = "") {
  VendedLocation location;
  location.connection = "uc";
  location.url = std::move(url);
  location.azure_endpoint = std::move(endpoint);
  location.azure_sas_token = "?sv=2024-08-04&sr=c&sp=rl&sig=abc";
  return location;
}

// Unity Catalog's abfss:// location: the container before '@', the account the host's
// first label; files reached on Azure's Blob service unless an endpoint is given, with
// "{account}" standing for the account.
TEST(VendedAzureStoreTest, TheLocationNamesContainerAndAccount) {
  auto store =
      OpenVendedAzureStore(Location("abfss://lake@acct7.dfs.core.windows.net/catalogs/main/s/t"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->DisplayUri("catalogs/main/s/t/_delta_log/0.json"),
            "https://acct7.blob.core.windows.net/lake/catalogs/main/s/t/_delta_log/0.json");
  auto secrets = (*store)->Secrets();
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "sv=2024-08-04&sr=c&sp=rl&sig=abc"),
            secrets.end());

  auto local = OpenVendedAzureStore(
      Location("abfss://lake@acct7.dfs.core.windows.net/t", "http://127.0.0.1:10000/{account}"));
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ((*local)->DisplayUri("t/x.parquet"), "http://127.0.0.1:10000/acct7/lake/t/x.parquet");
}

TEST(VendedAzureStoreTest, OtherUrlsAndAMissingTokenAreRefused) {
  for (const char* url : {"s3://bucket/t", "abfss://acct.dfs.core.windows.net/t",
                          "abfss://@acct.dfs.core.windows.net/t", "abfss://lake@/t",
                          "abfss://lake@Acct.dfs.core.windows.net/t", "wasbs://lake@acct/t"}) {
    auto store = OpenVendedAzureStore(Location(url));
    ASSERT_FALSE(store.ok()) << url;
    EXPECT_NE(store.status().message().find("is not an abfss://container@account"),
              std::string::npos)
        << store.status().ToString();
  }
  auto location = Location("abfss://lake@acct.dfs.core.windows.net/t");
  location.azure_sas_token.clear();
  auto store = OpenVendedAzureStore(location);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("no SAS token"), std::string::npos);
}

}  // namespace
}  // namespace mortar::azure
