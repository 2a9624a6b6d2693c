// How a Databricks connection authenticates (params.auth) and the token source for
// the user who opens it: a personal access token (global or per-user, in the vault, an
// environment variable or a file), OAuth per-user (authorization code + PKCE, the
// user's refresh token in the vault), OAuth client credentials (a service principal),
// a ~/.databrickscfg profile, or the DATABRICKS_* environment variables.
#pragma once

#include <memory>
#include <string>

#include "mortar/auth/oauth_client.h"
#include "mortar/auth/token_source.h"
#include "mortar/config/document.h"
#include "mortar/connectors/connection.h"

namespace mortar::databricks {

struct AuthSettings {
  std::string connection;
  std::string type;  // pat, oauth_user, oauth_m2m, profile, environment
  bool per_user = false;
  std::string token_env;
  std::string token_file;  // absolute
  std::string profile;
  std::string client_id;
  std::string client_secret_env;
  std::string authorization_endpoint;  // empty: discovered from the workspace
  std::string token_endpoint;          // empty: discovered from the workspace
  std::string scope;
  std::string workspace_url;  // https://host:port
  std::string ca_file;
  std::string fingerprint;  // the settings as text, for the token cache's key
};

// params.auth of the connection; workspace_url and ca_file come from the caller.
Result<AuthSettings> ParseAuthSettings(const config::ConfigObject& auth,
                                       const std::string& connection, const config::Home& home);

Result<std::unique_ptr<auth::TokenSource>> OpenTokenSource(const AuthSettings& settings,
                                                           const OpenScope& scope);
Result<CredentialState> DescribeCredentials(const AuthSettings& settings, const OpenScope& scope);
Result<auth::OAuthClient> MakeUserGrantClient(const AuthSettings& settings, const OpenScope& scope);

}  // namespace mortar::databricks
