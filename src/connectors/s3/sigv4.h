// AWS Signature Version 4 for S3 requests: the canonical request, the string to sign,
// the signing key and the Authorization header, from the published algorithm.
#pragma once

#include <string>
#include <vector>

#include "mortar/core/digest.h"  // Sha256Hex: x-amz-content-sha256
#include "mortar/http/message.h"

namespace mortar::s3 {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;  // a secret
  std::string session_token;      // a secret; empty for long-term keys
};

// Signs the request in place: adds host (from the URL), x-amz-date,
// x-amz-content-sha256 (payload_sha256, or the hash of the body when empty),
// x-amz-security-token when there is a session token, and Authorization.
// amz_date is "YYYYMMDDTHHMMSSZ" (UTC).
void SignRequest(http::Request& request, const AwsCredentials& credentials,
                 const std::string& region, const std::string& amz_date,
                 std::string payload_sha256 = "");

// The current time as x-amz-date wants it.
std::string AmzDateNow();

}  // namespace mortar::s3
