#include "connectors/azure/shared_key.h"

#include <gtest/gtest.h>

namespace mortar::azure {
namespace {

// Protocol facts: the signatures below were computed once, independently of this code,
// by azure-storage-blob 12.31.1's SharedKeyCredentialPolicy for the same requests.
constexpr char kKey[] = "bW9ydGFyLXRlc3Qta2V5LTAxMjM0NTY3ODlhYmNkZWY=";
constexpr char kDate[] = "Tue, 24 Nov 2026 12:00:00 GMT";

std::string Authorization(const http::Request& request) {
  return request.Header("Authorization").value_or("");
}

TEST(SharedKeyTest, PutBlobMatchesTheReferenceSignature) {
  http::Request request;
  request.method = "PUT";
  request.url = "https://myaccount.blob.core.windows.net/stage/dir/part%2000.parquet";
  request.headers = {{"x-ms-blob-type", "BlockBlob"}, {"Content-Type", "application/octet-stream"}};
  request.body = "data";
  ASSERT_TRUE(SignSharedKey(request, "myaccount", kKey, kDate));
  EXPECT_EQ(Authorization(request),
            "SharedKey myaccount:K2PvDafS/2UoMkFwByvdfHpQMSY99hLv4Xh8GdcL8BI=");
  EXPECT_EQ(request.Header("x-ms-version").value_or(""), kStorageVersion);
  EXPECT_EQ(request.Header("x-ms-date").value_or(""), kDate);
}

TEST(SharedKeyTest, PathStyleListSignsTheDecodedSortedQuery) {
  http::Request request;
  request.method = "GET";
  // An emulator's path-style URL: the account is in the path as well.
  request.url =
      "http://127.0.0.1:10000/myaccount/stage?restype=container&comp=list&prefix=dir%2F"
      "&marker=";
  request.body = "";
  ASSERT_TRUE(SignSharedKey(request, "myaccount", kKey, kDate));
  EXPECT_EQ(Authorization(request),
            "SharedKey myaccount:9K8xERQiFKU43TgmVK4coC/jdLZN9ZWtMddC5ydsfW8=");
}

TEST(SharedKeyTest, AKeyThatIsNotBase64IsRefusedAndNothingIsSigned) {
  http::Request request;
  request.method = "GET";
  request.url = "https://myaccount.blob.core.windows.net/stage";
  EXPECT_FALSE(SignSharedKey(request, "myaccount", "not base64!", kDate));
  EXPECT_FALSE(SignSharedKey(request, "myaccount", "", kDate));
  EXPECT_EQ(Authorization(request), "");
}

TEST(SharedKeyTest, TheKeyIsNeverSent) {
  http::Request request;
  request.method = "DELETE";
  request.url = "https://myaccount.blob.core.windows.net/stage/a";
  ASSERT_TRUE(SignSharedKey(request, "myaccount", kKey, kDate));
  for (const auto& header : request.headers) EXPECT_EQ(header.value.find(kKey), std::string::npos);
}

// Expected value computed once with azure-storage-blob 12.31 (BlobSharedAccessSignature,
// x_ms_version 2021-08-06, generate_container with the same inputs).
TEST(SharedKeyTest, AContainerSasIsSignedAsTheServiceExpects) {
  auto sas =
      ContainerSas("mortarstage", "bW9ydGFyLXRlc3Qta2V5LW5vdC1hLXJlYWwtb25lLTEyMzQ1Ng==", "staging",
                   "rl", "2026-11-24T23:50:00Z", "2026-11-25T01:00:00Z");
  ASSERT_TRUE(sas.has_value());
  EXPECT_EQ(*sas,
            "st=2026-11-24T23%3A50%3A00Z&se=2026-11-25T01%3A00%3A00Z&sp=rl&sv=2021-08-06&sr=c"
            "&sig=8tKAoKTPS%2F2%2BJMeD8%2B3DAhbwSLIyzpC3IH5ntrTrEBg%3D");
  EXPECT_FALSE(ContainerSas("mortarstage", "not base64!", "staging", "rl", "a", "b").has_value());
}

}  // namespace
}  // namespace mortar::azure
