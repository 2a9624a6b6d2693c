#include "connectors/s3/sigv4.h"

#include <gtest/gtest.h>

namespace mortar::s3 {
namespace {

// The examples of the S3 documentation ("Signature Calculations for the Authorization
// Header: Transferring Payload in a Single Chunk").
const AwsCredentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                              ""};
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string Authorization(const http::Request& request) {
  for (const auto& header : request.headers)
    if (header.name == "Authorization") return header.value;
  return "";
}

TEST(SigV4Test, GetObjectMatchesTheDocumentedSignature) {
  http::Request request;
  request.method = "GET";
  request.url = "https://examplebucket.s3.amazonaws.com/test.txt";
  request.headers = {{"Range", "bytes=0-9"}};
  SignRequest(request, kExample, "us-east-1", "20130524T000000Z");
  EXPECT_EQ(Authorization(request),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Test, ListObjectsSortsAndEncodesTheQuery) {
  http::Request request;
  request.method = "GET";
  request.url = "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J";
  SignRequest(request, kExample, "us-east-1", "20130524T000000Z", kEmptySha256);
  EXPECT_NE(Authorization(request).find(
                "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
            std::string::npos)
      << Authorization(request);
}

TEST(SigV4Test, SessionTokensAreSignedAndTheSecretIsNeverSent) {
  http::Request request;
  request.method = "PUT";
  request.url = "http://127.0.0.1:9000/bucket/a%20b.parquet";
  request.body = "data";
  SignRequest(request, {"AKID", "the-secret", "the-session-token"}, "eu-west-1",
              "20261124T120000Z");
  std::string all;
  for (const auto& header : request.headers) all += header.name + ": " + header.value + "\n";
  EXPECT_NE(all.find("host: 127.0.0.1:9000"), std::string::npos);
  EXPECT_NE(all.find("x-amz-security-token: the-session-token"), std::string::npos);
  EXPECT_NE(all.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token"),
            std::string::npos);
  EXPECT_EQ(all.find("the-secret"), std::string::npos);
  EXPECT_NE(all.find(Sha256Hex("data")), std::string::npos);
}

}  // namespace
}  // namespace mortar::s3
