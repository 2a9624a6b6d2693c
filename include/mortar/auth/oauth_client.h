// An OAuth 2.0 client of an authorization server (a Databricks workspace or account,
// or any provider): the token endpoint's grants (client credentials, authorization
// code with PKCE, refresh), endpoint discovery, and the authorization URL.
// Thread-safe: each request uses a transport of its own.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "mortar/core/result.h"
#include "mortar/http/transport.h"

namespace mortar::auth {

// The OAuth error code a token endpoint answered ("invalid_grant": the refresh token
// is expired or revoked).
class OAuthErrorDetail final : public StatusDetail {
 public:
  explicit OAuthErrorDetail(std::string error) : error(std::move(error)) {}
  std::string ToString() const override { return "oauth_error=" + error; }

  std::string error;
};

struct OAuthEndpoints {
  std::string authorization;  // https://<workspace>/oidc/v1/authorize
  std::string token;          // https://<workspace>/oidc/v1/token
};

struct OAuthClientConfig {
  std::string client_id;
  std::string client_secret;  // a secret: never in a message
  OAuthEndpoints endpoints;
  std::string scope;
  std::string ca_file;  // trusted CAs for the endpoints; empty: the system's
};

// What the token endpoint granted. access_token and refresh_token are secrets.
struct TokenGrant {
  std::string access_token;
  std::string refresh_token;  // empty when none was issued
  int64_t expires_in = 3600;  // seconds
  std::string scope;
  // The refresh token's lifetime in seconds, when the server says (Entra ID's
  // refresh_token_expires_in, Keycloak's refresh_expires_in); 0 when it does not.
  int64_t refresh_expires_in = 0;
};

using http::TransportFactory;

class OAuthClient {
 public:
  // transports: how to reach the endpoints; the default is libcurl with config.ca_file.
  explicit OAuthClient(OAuthClientConfig config, TransportFactory transports = nullptr);

  const OAuthClientConfig& config() const { return config_; }

  // grant_type=client_credentials, for a service principal (machine to machine).
  Result<TokenGrant> ClientCredentials() const;
  // grant_type=authorization_code with the PKCE verifier, at the end of a user's grant.
  Result<TokenGrant> ExchangeCode(const std::string& code, const std::string& verifier,
                                  const std::string& redirect_uri) const;
  // grant_type=refresh_token. An expired or revoked refresh token gives an Auth error
  // with detail "oauth_error" = "invalid_grant".
  Result<TokenGrant> Refresh(const std::string& refresh_token) const;

  // Where to send the user's browser to start a grant (response_type=code, PKCE S256).
  std::string AuthorizationUrl(const std::string& redirect_uri, const std::string& state,
                               const std::string& code_challenge) const;

 private:
  Result<TokenGrant> RequestToken(
      const std::vector<std::pair<std::string, std::string>>& fields) const;

  OAuthClientConfig config_;
  TransportFactory transports_;
};

// The endpoints a workspace publishes at /oidc/.well-known/oauth-authorization-server.
// workspace: "https://host[:port]". A 404 means the workspace offers no OAuth.
Result<OAuthEndpoints> DiscoverEndpoints(const std::string& workspace, const std::string& ca_file,
                                         TransportFactory transports = nullptr);

// PKCE (RFC 7636): a random verifier and its S256 challenge.
struct Pkce {
  std::string verifier;
  std::string challenge;
};
Pkce MakePkce();
// A random, URL-safe string of 32 bytes of entropy (for state values).
std::string RandomUrlSafe();
// BASE64URL(SHA256(verifier)), without padding.
std::string S256Challenge(const std::string& verifier);

}  // namespace mortar::auth
