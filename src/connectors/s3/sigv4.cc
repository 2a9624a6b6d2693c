#include "connectors/s3/sigv4.h"

#include <openssl/hmac.h>

#include <algorithm>
#include <map>

#include "http/canonical_headers.h"
#include "mortar/core/digest.h"
#include "mortar/core/wall_time.h"
#include "mortar/http/url.h"

namespace mortar::s3 {

namespace {

std::string Hmac(const std::string& key, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

// The path, each segment URI-encoded (S3 encodes once, keeping '/').
std::string CanonicalUri(const std::string& path) {
  std::string out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    std::string segment =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    out += http::UrlEncode(http::UrlDecode(segment));
    if (slash == std::string::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out.empty() ? "/" : out;
}

// Query parameters sorted by name, names and values encoded.
std::string CanonicalQuery(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start < query.size()) {
    auto amp = query.find('&', start);
    std::string pair =
        query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    auto equals = pair.find('=');
    std::string name = http::UrlDecode(pair.substr(0, equals));
    std::string value = equals == std::string::npos ? "" : http::UrlDecode(pair.substr(equals + 1));
    if (!name.empty()) pairs.emplace_back(http::UrlEncode(name), http::UrlEncode(value));
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) out += (out.empty() ? "" : "&") + name + "=" + value;
  return out;
}

}  // namespace

std::string AmzDateNow() {
  return UtcNow("%Y%m%dT%H%M%SZ");
}

void SignRequest(http::Request& request, const AwsCredentials& credentials,
                 const std::string& region, const std::string& amz_date,
                 std::string payload_sha256) {
  auto url = http::Url::Parse(request.url);
  std::string host = url.ok() ? url->host : "";
  if (url.ok() && url->port != (url->scheme == "https" ? 443 : 80))
    host += ":" + std::to_string(url->port);
  if (payload_sha256.empty()) payload_sha256 = Sha256Hex(request.body);
  request.headers.push_back({"host", host});
  request.headers.push_back({"x-amz-date", amz_date});
  request.headers.push_back({"x-amz-content-sha256", payload_sha256});
  if (!credentials.session_token.empty())
    request.headers.push_back({"x-amz-security-token", credentials.session_token});

  std::map<std::string, std::string> headers;
  for (const auto& header : request.headers) {
    std::string name = http::CanonicalHeaderName(header.name);
    if (name == "authorization") continue;
    auto& value = headers[name];
    value += (value.empty() ? "" : ",") + http::CanonicalHeaderValue(header.value);
  }
  std::string canonical_headers, signed_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + name;
  }
  std::string canonical_request = request.method + "\n" + CanonicalUri(url.ok() ? url->path : "/") +
                                  "\n" + CanonicalQuery(url.ok() ? url->query : "") + "\n" +
                                  canonical_headers + "\n" + signed_headers + "\n" + payload_sha256;
  std::string date = amz_date.substr(0, 8);
  std::string scope = date + "/" + region + "/s3/aws4_request";
  std::string to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + Sha256Hex(canonical_request);
  std::string key = Hmac(
      Hmac(Hmac(Hmac("AWS4" + credentials.secret_access_key, date), region), "s3"), "aws4_request");
  std::string signature = Hmac(key, to_sign);
  request.headers.push_back(
      {"Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                            ", SignedHeaders=" + signed_headers +
                            ", Signature=" + LowerHex(signature)});
}

}  // namespace mortar::s3
