#include "mortar/auth/oauth_client.h"

#include <openssl/sha.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "mortar/http/http_error_detail.h"
#include "mortar/http/retry.h"
#include "mortar/http/url.h"

namespace mortar::auth {

namespace {

using Json = nlohmann::json;

std::string Base64(std::string_view bytes, int variant) {
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  text.pop_back();
  return text;
}

TransportFactory DefaultTransports(const std::string& ca_file) {
  return [ca_file]() { return http::MakeCurlTransport(http::TlsOptions{ca_file}); };
}

// A code is single-use and a rotated refresh token is spent by its first use: only
// throttling, and unavailability the server says it did not act on, are retried.
Result<http::Response> Send(const TransportFactory& transports, const http::Request& request) {
  MORTAR_ASSIGN_OR_RETURN(auto transport, transports());
  http::RetryPolicy policy;
  policy.budget = std::chrono::minutes(2);
  policy.unavailable_needs_retry_after = true;
  return http::SendWithRetry(*transport, request, policy, http::SystemClock());
}

}  // namespace

OAuthClient::OAuthClient(OAuthClientConfig config, TransportFactory transports)
    : config_(std::move(config)),
      transports_(transports ? std::move(transports) : DefaultTransports(config_.ca_file)) {}

Result<TokenGrant> OAuthClient::RequestToken(
    const std::vector<std::pair<std::string, std::string>>& fields) const {
  http::Request request;
  request.method = "POST";
  request.url = config_.endpoints.token;
  request.timeout = std::chrono::seconds(60);
  // RFC 6749 2.3.1: id and secret are form-encoded, then sent with HTTP Basic.
  std::string credentials =
      http::UrlEncode(config_.client_id) + ":" + http::UrlEncode(config_.client_secret);
  request.headers = {
      {"Authorization", "Basic " + Base64(credentials, sodium_base64_VARIANT_ORIGINAL)},
      {"Content-Type", "application/x-www-form-urlencoded"},
      {"Accept", "application/json"}};
  request.body = http::FormEncode(fields);
  auto sent = Send(transports_, request);
  if (!sent.ok()) {
    return Status(sent.status().code(), "the token endpoint " + config_.endpoints.token +
                                            " could not be reached: " + sent.status().message());
  }
  const http::Response& response = *sent;
  Json body = Json::parse(response.body, nullptr, false);
  if (response.status != 200) {
    std::string error = body.is_object() ? body.value("error", "") : "";
    std::string description = body.is_object() ? body.value("error_description", "") : "";
    std::string what = "the token endpoint " + config_.endpoints.token + " answered HTTP " +
                       std::to_string(response.status) + (error.empty() ? "" : " (" + error + ")") +
                       (description.empty() ? "" : ": " + description);
    Status status = response.status == 400 || response.status == 401 ? Status::Auth(what)
                                                                     : Status::Remote(what);
    return status.WithDetail(http::HttpErrorDetail(response.status))
        .WithDetail(OAuthErrorDetail(error));
  }
  if (!body.is_object() || !body.value("access_token", Json()).is_string()) {
    return Status::Remote("the token endpoint " + config_.endpoints.token +
                          " answered without an access token");
  }
  TokenGrant grant;
  grant.access_token = body["access_token"].get<std::string>();
  if (body.value("refresh_token", Json()).is_string())
    grant.refresh_token = body["refresh_token"].get<std::string>();
  if (body.value("expires_in", Json()).is_number())
    grant.expires_in = body["expires_in"].get<int64_t>();
  if (body.value("scope", Json()).is_string()) grant.scope = body["scope"].get<std::string>();
  for (const char* key : {"refresh_token_expires_in", "refresh_expires_in"}) {
    if (body.value(key, Json()).is_number_integer() && body[key].get<int64_t>() > 0)
      grant.refresh_expires_in = body[key].get<int64_t>();
  }
  return grant;
}

Result<TokenGrant> OAuthClient::ClientCredentials() const {
  std::vector<std::pair<std::string, std::string>> fields = {{"grant_type", "client_credentials"}};
  if (!config_.scope.empty()) fields.emplace_back("scope", config_.scope);
  return RequestToken(fields);
}

Result<TokenGrant> OAuthClient::ExchangeCode(const std::string& code, const std::string& verifier,
                                             const std::string& redirect_uri) const {
  return RequestToken({{"grant_type", "authorization_code"},
                       {"code", code},
                       {"code_verifier", verifier},
                       {"redirect_uri", redirect_uri}});
}

Result<TokenGrant> OAuthClient::Refresh(const std::string& refresh_token) const {
  return RequestToken({{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}});
}

std::string OAuthClient::AuthorizationUrl(const std::string& redirect_uri, const std::string& state,
                                          const std::string& code_challenge) const {
  std::string url = config_.endpoints.authorization;
  url += url.find('?') == std::string::npos ? "?" : "&";
  return url + http::FormEncode({{"response_type", "code"},
                                 {"client_id", config_.client_id},
                                 {"redirect_uri", redirect_uri},
                                 {"scope", config_.scope},
                                 {"state", state},
                                 {"code_challenge", code_challenge},
                                 {"code_challenge_method", "S256"}});
}

Result<OAuthEndpoints> DiscoverEndpoints(const std::string& workspace, const std::string& ca_file,
                                         TransportFactory transports) {
  if (!transports) transports = DefaultTransports(ca_file);
  std::string base = workspace;
  while (!base.empty() && base.back() == '/') base.pop_back();
  http::Request request;
  request.method = "GET";
  request.url = base + "/oidc/.well-known/oauth-authorization-server";
  request.timeout = std::chrono::seconds(30);
  auto sent = Send(transports, request);
  if (!sent.ok()) {
    return Status(sent.status().code(),
                  "OAuth discovery at " + request.url + " failed: " + sent.status().message());
  }
  if (sent->status == 404) {
    return Status::NotFound("the workspace " + base + " publishes no OAuth endpoints (404 at " +
                            request.url + "); enter the authorization and token endpoints by hand");
  }
  Json body = Json::parse(sent->body, nullptr, false);
  if (sent->status != 200 || !body.is_object() ||
      !body.value("authorization_endpoint", Json()).is_string() ||
      !body.value("token_endpoint", Json()).is_string()) {
    return Status::Remote("OAuth discovery at " + request.url + " answered HTTP " +
                          std::to_string(sent->status) + " without the endpoints");
  }
  return OAuthEndpoints{body["authorization_endpoint"].get<std::string>(),
                        body["token_endpoint"].get<std::string>()};
}

std::string RandomUrlSafe() {
  if (sodium_init() < 0) std::abort();  // libsodium cannot start: nothing secure can follow
  std::string bytes(32, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  return Base64(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::string S256Challenge(const std::string& verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return Base64(std::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)),
                sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

Pkce MakePkce() {
  std::string verifier = RandomUrlSafe();  // 43 characters, the RFC's minimum length
  return Pkce{verifier, S256Challenge(verifier)};
}

}  // namespace mortar::auth
