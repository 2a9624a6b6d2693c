#include "mortar/connectors/personal_token.h"

#include "mortar/core/value_text.h"
#include "mortar/core/wall_time.h"
#include "mortar/security/vault.h"

namespace mortar {

Status CheckTakesPersonalToken(Connection& connection) {
  MORTAR_ASSIGN_OR_RETURN(CredentialState state, connection.Credentials());
  if (state.per_user && state.method == "personal access token") return Status::OK();
  return Status::Invalid("connection '" + connection.name() +
                         "' does not take per-user personal access tokens (it uses " +
                         state.method + (state.per_user ? ", per user" : ", global") + ")");
}

Status StorePersonalToken(const config::Home& home, Connection& connection, const std::string& user,
                          const std::string& token, const std::string& expires) {
  MORTAR_RETURN_IF_ERROR(CheckTakesPersonalToken(connection));
  if (token.empty()) return Status::Invalid("the personal access token is empty");
  std::string expires_day;
  if (!expires.empty()) {
    std::optional<int32_t> day = ParseDate(expires);
    if (!day) {
      return Status::Invalid("'" + expires +
                             "' is not a day: give the day the token expires as yyyy-mm-dd");
    }
    if (*day < *ParseDate(UtcNow("%Y-%m-%d"))) {
      return Status::Invalid("the token expired on " + expires +
                             ": make a new one in Databricks (Settings, Developer, Access "
                             "tokens) and enter that");
    }
    expires_day = FormatDate(*day);
  }
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(home));
  const std::string name = connection.name();
  MORTAR_RETURN_IF_ERROR(
      vault.Put(security::UserConnectionSecretSlot(user, name, kPersonalTokenField), token));
  const std::string expires_slot =
      security::UserConnectionSecretSlot(user, name, kPersonalTokenExpiresField);
  return expires_day.empty() ? vault.Delete(expires_slot) : vault.Put(expires_slot, expires_day);
}

Status ForgetUserCredentials(const config::Home& home, const std::string& user,
                             const std::string& connection) {
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(home));
  for (const char* field : {kPersonalTokenField, kPersonalTokenExpiresField, "oauth"}) {
    MORTAR_RETURN_IF_ERROR(
        vault.Delete(security::UserConnectionSecretSlot(user, connection, field)));
  }
  return Status::OK();
}

}  // namespace mortar
