#include "connectors/azure/shared_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>
#include <optional>

#include "http/canonical_headers.h"
#include "mortar/core/wall_time.h"
#include "mortar/http/url.h"

namespace mortar::azure {

namespace {

std::optional<std::string> DecodeBase64(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string bytes(text.size() / 4 * 3, '\0');
  int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                               reinterpret_cast<const unsigned char*>(text.data()),
                               static_cast<int>(text.size()));
  if (length < 0) return std::nullopt;
  // EVP_DecodeBlock counts the '=' padding as zero bytes.
  std::size_t padding = text.size() - text.find_last_not_of('=') - 1;
  bytes.resize(static_cast<std::size_t>(length) - padding);
  return bytes;
}

// "/<account><path>" then "\n<name>:<decoded value>" per query parameter, sorted by
// name; repeated names join their values with ','.
std::string CanonicalizedResource(const std::string& account, const http::Url& url) {
  std::string resource = "/" + account + (url.path.empty() ? "/" : url.path);
  std::map<std::string, std::vector<std::string>> query;
  std::size_t start = 0;
  while (start < url.query.size()) {
    auto amp = url.query.find('&', start);
    std::string pair =
        url.query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    auto equals = pair.find('=');
    std::string name = http::CanonicalHeaderName(http::UrlDecode(pair.substr(0, equals)));
    std::string value = equals == std::string::npos ? "" : http::UrlDecode(pair.substr(equals + 1));
    if (!name.empty()) query[name].push_back(value);
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  for (auto& [name, values] : query) {
    std::sort(values.begin(), values.end());
    std::string joined;
    for (const auto& value : values) joined += (joined.empty() ? "" : ",") + value;
    resource += "\n" + name + ":" + joined;
  }
  return resource;
}

// Base64 of HMAC-SHA256(key, text).
std::string Sign(const std::string& key, const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &size);
  return EncodeBase64(std::string(reinterpret_cast<char*>(digest), size));
}

}  // namespace

std::string EncodeBase64(const std::string& bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                               reinterpret_cast<const unsigned char*>(bytes.data()),
                               static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(length));
  return text;
}

std::string MsDateNow() {
  return UtcNow("%a, %d %b %Y %H:%M:%S GMT");
}

bool SignSharedKey(http::Request& request, const std::string& account,
                   const std::string& account_key, const std::string& ms_date) {
  auto key = DecodeBase64(account_key);
  if (!key) return false;
  if (!request.Header("x-ms-date")) request.headers.push_back({"x-ms-date", ms_date});
  if (!request.Header("x-ms-version")) request.headers.push_back({"x-ms-version", kStorageVersion});
  auto header = [&](std::string_view name) { return request.Header(name).value_or(""); };
  std::string length = request.body.empty() ? "" : std::to_string(request.body.size());
  std::string to_sign = request.method + "\n" + header("Content-Encoding") + "\n" +
                        header("Content-Language") + "\n" + length + "\n" + header("Content-MD5") +
                        "\n" + header("Content-Type") + "\n" + header("Date") + "\n" +
                        header("If-Modified-Since") + "\n" + header("If-Match") + "\n" +
                        header("If-None-Match") + "\n" + header("If-Unmodified-Since") + "\n" +
                        header("Range") + "\n";
  std::map<std::string, std::string> ms_headers;
  for (const auto& [name, value] : request.headers) {
    std::string lower = http::CanonicalHeaderName(name);
    if (lower.rfind("x-ms-", 0) == 0) ms_headers[lower] = http::CanonicalHeaderValue(value);
  }
  for (const auto& [name, value] : ms_headers) to_sign += name + ":" + value + "\n";
  auto url = http::Url::Parse(request.url);
  to_sign += CanonicalizedResource(account, url.ok() ? *url : http::Url{});

  request.headers.push_back({"Authorization", "SharedKey " + account + ":" + Sign(*key, to_sign)});
  return true;
}

std::optional<std::string> ContainerSas(const std::string& account, const std::string& account_key,
                                        const std::string& container,
                                        const std::string& permissions, const std::string& start,
                                        const std::string& expiry) {
  auto key = DecodeBase64(account_key);
  if (!key) return std::nullopt;
  // sp, st, se, the resource, then si, sip, spr (empty), sv, sr, the snapshot time and
  // ses (empty), and the five response headers rscc, rscd, rsce, rscl, rsct (empty).
  std::string to_sign = permissions + "\n" + start + "\n" + expiry + "\n/blob/" + account + "/" +
                        container + "\n\n\n\n" + kStorageVersion + "\nc\n\n\n\n\n\n\n";
  return "st=" + http::UrlEncode(start) + "&se=" + http::UrlEncode(expiry) + "&sp=" + permissions +
         "&sv=" + kStorageVersion + "&sr=c&sig=" + http::UrlEncode(Sign(*key, to_sign));
}

}  // namespace mortar::azure
