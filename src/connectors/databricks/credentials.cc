#include "connectors/databricks/credentials.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "connectors/databricks/connection_string.h"
#include "mortar/auth/oauth_token_sources.h"
#include "mortar/config/home.h"
#include "mortar/connectors/personal_token.h"
#include "mortar/core/digest.h"
#include "mortar/core/wall_time.h"
#include "mortar/http/url.h"
#include "mortar/security/vault.h"

namespace mortar::databricks {

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

Result<std::string> ReadSecretFile(const std::string& path, const std::string& connection) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return Status::NotFound("connection '" + connection + "': the token file " + path +
                            " does not exist");
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Status::Auth("connection '" + connection + "': the token file " + path +
                        " is readable by others; run 'chmod 600' on it");
  }
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty())
    return Status::Invalid("connection '" + connection + "': the token file " + path + " is empty");
  return token;
}

std::string PatSlot(const AuthSettings& settings, const OpenScope& scope) {
  return settings.per_user
             ? security::UserConnectionSecretSlot(scope.user, settings.connection, "token")
             : security::ConnectionSecretSlot(settings.connection, "token");
}

std::string GrantSlot(const AuthSettings& settings, const OpenScope& scope) {
  return security::UserConnectionSecretSlot(scope.user, settings.connection, "oauth");
}

std::string MissingPatAction(const AuthSettings& settings, const OpenScope& scope) {
  if (settings.per_user) {
    return "connection '" + settings.connection + "' uses per-user credentials and user '" +
           scope.user + "' has not entered a personal access token: run 'mortar credentials set " +
           settings.connection + " --user " + scope.user +
           "' (it reads the token from standard input) or enter it on Mortar's web page";
  }
  return "connection '" + settings.connection +
         "' has no personal access token: an admin stores it with 'mortar connection "
         "set-secret " +
         settings.connection + " token' (it reads the token from standard input)";
}

std::string AuthorizeAction(const AuthSettings& settings, const OpenScope& scope) {
  return "open Mortar's web page and click Authorize next to " + settings.connection +
         ", or run 'mortar connection authorize " + settings.connection + " --user " + scope.user +
         "' and open the URL it prints";
}

// The client secret of an OAuth connection: the vault, else client_secret_env.
Result<std::string> ClientSecret(const AuthSettings& settings, const security::Vault& vault) {
  if (!settings.client_secret_env.empty()) {
    std::string value = Env(settings.client_secret_env.c_str());
    if (value.empty()) {
      return Status::Auth("connection '" + settings.connection + "': the environment variable " +
                          settings.client_secret_env +
                          " that should hold the client secret is not set");
    }
    return value;
  }
  MORTAR_ASSIGN_OR_RETURN(
      auto secret, vault.Get(security::ConnectionSecretSlot(settings.connection, "client_secret")));
  if (!secret) {
    return Status::Auth("connection '" + settings.connection +
                        "' has no OAuth client secret: an admin stores it with 'mortar connection "
                        "set-secret " +
                        settings.connection +
                        " client_secret' (it reads the secret from standard input)");
  }
  return *secret;
}

Result<auth::OAuthClient> MakeClient(const AuthSettings& settings, const std::string& client_id,
                                     const std::string& client_secret, bool need_authorization) {
  auth::OAuthClientConfig config;
  config.client_id = client_id;
  config.client_secret = client_secret;
  config.scope = settings.scope;
  config.ca_file = settings.ca_file;
  config.endpoints = {settings.authorization_endpoint, settings.token_endpoint};
  if (config.endpoints.token.empty() ||
      (need_authorization && config.endpoints.authorization.empty())) {
    auto discovered = auth::DiscoverEndpoints(settings.workspace_url, settings.ca_file);
    if (!discovered.ok())
      return discovered.status().WithContext("connection '" + settings.connection + "'");
    if (config.endpoints.token.empty()) config.endpoints.token = discovered->token;
    if (config.endpoints.authorization.empty())
      config.endpoints.authorization = discovered->authorization;
  }
  return auth::OAuthClient(std::move(config));
}

// Everything a cached source's tokens are bound to: the connection, the user, the auth
// settings, the workspace and its CA, the client secret (a rotated one makes a new
// source), and for a user's grant the authorization itself (a user deleted and made
// again, or who authorized again, gets none of the old grant's tokens). Secrets enter as
// a digest only.
std::string CacheKey(const AuthSettings& settings, const OpenScope& scope, bool per_user,
                     std::string_view secret = "", std::string_view grant = "") {
  return settings.connection + "\n" + (per_user ? scope.user : "") + "\n" + settings.fingerprint +
         "\n" + settings.workspace_url + "\n" + settings.ca_file + "\n" + Sha256Hex(secret) + "\n" +
         std::string(grant);
}

std::unique_ptr<auth::TokenSource> Shared(
    const OpenScope& scope, const std::string& key,
    const std::function<std::shared_ptr<auth::TokenSource>()>& make) {
  if (scope.tokens == nullptr) return auth::ShareTokenSource(make());
  return auth::ShareTokenSource(scope.tokens->GetOrMake(key, make));
}

}  // namespace

Result<AuthSettings> ParseAuthSettings(const config::ConfigObject& auth,
                                       const std::string& connection, const config::Home& home) {
  MORTAR_RETURN_IF_ERROR(
      auth.CheckObject({"type", "credentials", "token_env", "token_file", "profile", "client_id",
                        "client_secret_env", "authorization_endpoint", "token_endpoint", "scope"}));
  AuthSettings settings;
  settings.connection = connection;
  settings.fingerprint = auth.json().dump();
  MORTAR_ASSIGN_OR_RETURN(
      settings.type,
      auth.ChoiceOr("type", {"pat", "oauth_user", "oauth_m2m", "profile", "environment"}, "pat"));
  MORTAR_ASSIGN_OR_RETURN(std::string credentials,
                          auth.ChoiceOr("credentials", {"global", "per_user"},
                                        settings.type == "oauth_user" ? "per_user" : "global"));
  settings.per_user = credentials == "per_user";
  if (settings.type == "oauth_user" && !settings.per_user)
    return auth.Error("credentials", "OAuth per-user is always per_user");
  if (settings.per_user && settings.type != "pat" && settings.type != "oauth_user") {
    return auth.Error("credentials", "per_user needs type pat or oauth_user; type " +
                                         settings.type + " is global");
  }
  MORTAR_ASSIGN_OR_RETURN(settings.token_env, auth.StringOr("token_env", ""));
  MORTAR_ASSIGN_OR_RETURN(settings.token_file, auth.StringOr("token_file", ""));
  if (!settings.token_file.empty())
    settings.token_file = home.Resolve(settings.token_file).string();
  if (settings.per_user && (!settings.token_env.empty() || !settings.token_file.empty())) {
    return auth.Error("credentials",
                      "per_user tokens are entered by each user, not read from token_env or "
                      "token_file");
  }
  MORTAR_ASSIGN_OR_RETURN(settings.profile, auth.StringOr("profile", "DEFAULT"));
  MORTAR_ASSIGN_OR_RETURN(settings.client_id, auth.StringOr("client_id", ""));
  MORTAR_ASSIGN_OR_RETURN(settings.client_secret_env, auth.StringOr("client_secret_env", ""));
  MORTAR_ASSIGN_OR_RETURN(settings.authorization_endpoint,
                          auth.StringOr("authorization_endpoint", ""));
  MORTAR_ASSIGN_OR_RETURN(settings.token_endpoint, auth.StringOr("token_endpoint", ""));
  MORTAR_ASSIGN_OR_RETURN(
      settings.scope,
      auth.StringOr("scope", settings.type == "oauth_user" ? "sql offline_access" : "sql"));
  if ((settings.type == "oauth_user" || settings.type == "oauth_m2m") &&
      settings.client_id.empty()) {
    return auth.Error("client_id", "missing; expected the OAuth application's client id");
  }
  for (const auto& [key, value] :
       {std::pair{"authorization_endpoint", settings.authorization_endpoint},
        std::pair{"token_endpoint", settings.token_endpoint}}) {
    if (value.empty()) continue;
    // https, or plain http to this machine only (a local test server): the client secret
    // and the tokens go in the clear. The host as parsed, not a prefix of the text:
    // "http://127.0.0.1.example.net" is another machine.
    auto url = http::Url::Parse(value);
    bool loopback = url.ok() && url->scheme == "http" &&
                    (url->host == "127.0.0.1" || url->host == "localhost" || url->host == "[::1]");
    if (!url.ok() || (url->scheme != "https" && !loopback)) {
      return auth.Error(key,
                        "expected an https:// URL (http:// only to 127.0.0.1, localhost or "
                        "[::1])");
    }
  }
  if (settings.type == "oauth_user" && settings.scope.find("offline_access") == std::string::npos) {
    return auth.Error("scope", "must include offline_access, or no refresh token is issued");
  }
  return settings;
}

Result<std::unique_ptr<auth::TokenSource>> OpenTokenSource(const AuthSettings& settings,
                                                           const OpenScope& scope) {
  const std::string& name = settings.connection;
  if (settings.type == "environment") {
    std::string token = Env("DATABRICKS_TOKEN");
    if (!token.empty())
      return auth::MakeStaticTokenSource(token, "the personal access token in DATABRICKS_TOKEN");
    std::string id = Env("DATABRICKS_CLIENT_ID");
    std::string secret = Env("DATABRICKS_CLIENT_SECRET");
    if (id.empty() || secret.empty()) {
      return Status::Auth("connection '" + name +
                          "' takes its credentials from the environment, and neither "
                          "DATABRICKS_TOKEN nor DATABRICKS_CLIENT_ID with DATABRICKS_CLIENT_SECRET "
                          "is set");
    }
    MORTAR_ASSIGN_OR_RETURN(auto client, MakeClient(settings, id, secret, false));
    return Shared(scope, CacheKey(settings, scope, false, secret) + "\n" + id, [&] {
      return auth::MakeClientCredentialsSource(
          client, "connection '" + name + "' (OAuth client credentials of " + id + ")");
    });
  }
  if (settings.type == "profile") {
    MORTAR_ASSIGN_OR_RETURN(auto profile, ReadConfigProfile(DefaultConfigFile(), settings.profile));
    if (profile.count("token") > 0 && !profile["token"].empty()) {
      return auth::MakeStaticTokenSource(profile["token"],
                                         "the token of profile [" + settings.profile + "]");
    }
    if (profile.count("client_id") > 0 && profile.count("client_secret") > 0) {
      MORTAR_ASSIGN_OR_RETURN(
          auto client, MakeClient(settings, profile["client_id"], profile["client_secret"], false));
      return Shared(scope, CacheKey(settings, scope, false, profile["client_secret"]), [&] {
        return auth::MakeClientCredentialsSource(
            client, "connection '" + name + "' (OAuth client credentials of profile [" +
                        settings.profile + "])");
      });
    }
    return Status::Auth("connection '" + name + "': profile [" + settings.profile + "] in " +
                        DefaultConfigFile() +
                        " has neither a token nor client_id and client_secret");
  }
  if (settings.type == "pat") {
    if (!settings.token_env.empty()) {
      std::string value = Env(settings.token_env.c_str());
      if (value.empty()) {
        return Status::Auth("connection '" + name + "': the environment variable " +
                            settings.token_env +
                            " that should hold the personal access token is not set");
      }
      return auth::MakeStaticTokenSource(value,
                                         "the personal access token in " + settings.token_env);
    }
    if (!settings.token_file.empty()) {
      MORTAR_ASSIGN_OR_RETURN(std::string token, ReadSecretFile(settings.token_file, name));
      return auth::MakeStaticTokenSource(token,
                                         "the personal access token in " + settings.token_file);
    }
    MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(scope.home));
    MORTAR_ASSIGN_OR_RETURN(auto token, vault.Get(PatSlot(settings, scope)));
    if (!token) return Status::Auth(MissingPatAction(settings, scope));
    return auth::MakeStaticTokenSource(
        *token, settings.per_user ? "the personal access token of user '" + scope.user + "'"
                                  : "the connection's personal access token");
  }
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(scope.home));
  MORTAR_ASSIGN_OR_RETURN(std::string secret, ClientSecret(settings, vault));
  if (settings.type == "oauth_m2m") {
    MORTAR_ASSIGN_OR_RETURN(auto client, MakeClient(settings, settings.client_id, secret, false));
    return Shared(scope, CacheKey(settings, scope, false, secret), [&] {
      return auth::MakeClientCredentialsSource(
          client,
          "connection '" + name + "' (OAuth client credentials of " + settings.client_id + ")");
    });
  }
  // oauth_user
  std::string slot = GrantSlot(settings, scope);
  MORTAR_ASSIGN_OR_RETURN(auto grant, vault.Get(slot));
  if (!grant) {
    return Status::Auth("connection '" + name + "' uses OAuth per-user and user '" + scope.user +
                        "' has not authorized Mortar yet: " + AuthorizeAction(settings, scope));
  }
  MORTAR_ASSIGN_OR_RETURN(auto client, MakeClient(settings, settings.client_id, secret, false));
  // Which authorization the stored grant is (a refresh keeps its id).
  const auto stored = config::Json::parse(*grant, nullptr, false);
  std::string authorization =
      stored.is_object() ? stored.value("grant_id", stored.value("authorized_at", std::string()))
                         : std::string();
  return Shared(scope, CacheKey(settings, scope, true, secret, authorization), [&] {
    return auth::MakeUserGrantSource(
        client, vault, slot,
        "connection '" + name + "' (OAuth per-user, user '" + scope.user + "')",
        "authorize again: " + AuthorizeAction(settings, scope));
  });
}

namespace {

// When the user entered their token, and the day they said it expires; past that day,
// what to do.
Status DescribeUserToken(const AuthSettings& settings, const OpenScope& scope,
                         const security::Vault& vault, CredentialState& state) {
  const std::string slot = PatSlot(settings, scope);
  MORTAR_ASSIGN_OR_RETURN(auto slots, vault.List(slot));
  for (const auto& info : slots) {
    if (info.slot == slot) state.obtained_at = info.updated_at;
  }
  MORTAR_ASSIGN_OR_RETURN(
      auto expires, vault.Get(security::UserConnectionSecretSlot(scope.user, settings.connection,
                                                                 kPersonalTokenExpiresField)));
  if (!expires) return Status::OK();
  state.access_expires_at = *expires;
  if (*expires < UtcNow("%Y-%m-%d")) {
    state.action = "the personal access token of user '" + scope.user + "' for connection '" +
                   settings.connection + "' expired on " + *expires +
                   ": make a new one in Databricks and enter it";
  }
  return Status::OK();
}

}  // namespace

Result<CredentialState> DescribeCredentials(const AuthSettings& settings, const OpenScope& scope) {
  CredentialState state;
  state.per_user = settings.per_user;
  if (settings.type == "environment") {
    state.method = "DATABRICKS_* environment variables";
    return state;
  }
  if (settings.type == "profile") {
    state.method = "profile [" + settings.profile + "] of ~/.databrickscfg";
    return state;
  }
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(scope.home));
  if (settings.type == "pat") {
    state.method = "personal access token";
    if (settings.token_env.empty() && settings.token_file.empty()) {
      MORTAR_ASSIGN_OR_RETURN(auto token, vault.Get(PatSlot(settings, scope)));
      state.provided = token.has_value();
      if (!state.provided) state.action = MissingPatAction(settings, scope);
      if (state.provided && settings.per_user) {
        MORTAR_RETURN_IF_ERROR(DescribeUserToken(settings, scope, vault, state));
      }
    }
    return state;
  }
  if (settings.type == "oauth_m2m") {
    state.method = "OAuth client credentials (" + settings.client_id + ")";
    return state;
  }
  state.method = "OAuth per-user";
  MORTAR_ASSIGN_OR_RETURN(auto info, auth::ReadUserGrantInfo(vault, GrantSlot(settings, scope)));
  state.provided = info.has_value();
  if (info) {
    state.obtained_at = info->authorized_at;
    state.refreshed_at = info->refreshed_at;
    state.access_expires_at = info->access_expires_at;
    state.refresh_expires_at = info->refresh_expires_at;
  } else {
    state.action = "authorize Mortar: " + AuthorizeAction(settings, scope);
  }
  return state;
}

Result<auth::OAuthClient> MakeUserGrantClient(const AuthSettings& settings,
                                              const OpenScope& scope) {
  if (settings.type != "oauth_user") {
    return Status::Invalid("connection '" + settings.connection +
                           "' does not use OAuth per-user (auth.type is " + settings.type + ")");
  }
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(scope.home));
  MORTAR_ASSIGN_OR_RETURN(std::string secret, ClientSecret(settings, vault));
  return MakeClient(settings, settings.client_id, secret, true);
}

}  // namespace mortar::databricks
