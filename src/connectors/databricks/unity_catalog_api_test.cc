#include "connectors/databricks/unity_catalog_api.h"

#include <gtest/gtest.h>

#include <vector>

namespace mortar::databricks {
namespace {

// Answers tables.get and temporary-table-credentials as Unity Catalog does, and keeps
// the URLs it was sent.
class CatalogTransport final : public http::Transport {
 public:
  Result<http::Response> Send(const http::Request& request) override {
    urls.push_back(request.url);
    http::Response response;
    response.status = 200;
    response.body = request.method == "GET"
                        ? R"({"table_id": "t-1", "data_source_format": "DELTA"})"
                        : R"({"url": "s3://lake/t", "aws_temp_credentials":
                              {"access_key_id": "AK", "secret_access_key": "SK"}})";
    return response;
  }
  std::vector<std::string> urls;
};

TEST(UnityCatalogApiTest, NamesATableByItsThreePartsOnly) {
  CatalogTransport transport;
  auto tokens = auth::MakeStaticTokenSource("dapi-test", "a test token");
  UnityCatalogApi api{"dbx", "https://adb-1.example", &transport, tokens.get()};
  auto vended = VendTableForRead(api, "main.sales.orders");
  ASSERT_TRUE(vended.ok()) << vended.status().ToString();
  EXPECT_EQ(vended->table_id, "t-1");
  ASSERT_EQ(transport.urls.size(), 2u);
  EXPECT_EQ(transport.urls[0],
            "https://adb-1.example/api/2.1/unity-catalog/tables/main.sales.orders");

  // A '/' would have reached another API with the user's token; a '.' another table.
  transport.urls.clear();
  for (const char* name : {"main.sales.../../../2.0/clusters/list", "main.sales.a/b", "main.s.t.u",
                           "main..t", ".sales.t", "main.sales."}) {
    auto refused = VendTableForRead(api, name);
    EXPECT_FALSE(refused.ok()) << name;
  }
  EXPECT_TRUE(transport.urls.empty());
  // Other characters are escaped, not refused.
  ASSERT_TRUE(VendTableForRead(api, "main.sales.tâble #1").ok());
  EXPECT_EQ(transport.urls[0],
            "https://adb-1.example/api/2.1/unity-catalog/tables/main.sales.t%C3%A2ble%20%231");
}

}  // namespace
}  // namespace mortar::databricks
