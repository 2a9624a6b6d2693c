#include "mortar/flow/connection_admin.h"

#include <algorithm>

#include "mortar/security/vault.h"

namespace mortar {

Status RequireAdmin(const Context& context, const std::string& what) {
  MORTAR_ASSIGN_OR_RETURN(config::User user, context.home().FindUser(context.user()));
  if (!user.admin) {
    return Status::PermissionDenied("only an admin may " + what + "; user '" + user.name +
                                    "' is not one");
  }
  return Status::OK();
}

const std::vector<std::string>& ConnectionSecretFields() {
  static const std::vector<std::string> fields = {
      "token",       "client_secret", "secret_access_key", "session_token",
      "account_key", "sas_token",     "connect_token"};
  return fields;
}

Status AddConnection(Context& context, config::ConnectionConfig config, bool replace) {
  MORTAR_RETURN_IF_ERROR(RequireAdmin(context, "add connections"));
  MORTAR_RETURN_IF_ERROR(config::ValidateName("connection", config.name));
  if (config.file.empty()) config.file = "connection '" + config.name + "'";
  MORTAR_RETURN_IF_ERROR(context.MakeConnection(config).status());
  const config::Home& home = context.home();
  MORTAR_ASSIGN_OR_RETURN(auto existing, home.ListConnections());
  bool exists = std::find(existing.begin(), existing.end(), config.name) != existing.end();
  if (exists && !replace) {
    return Status::Conflict("a connection named '" + config.name +
                            "' exists; replace it, or choose another name");
  }
  if (exists) {
    MORTAR_ASSIGN_OR_RETURN(config::ConnectionConfig old, home.LoadConnection(config.name));
    config.permissions = old.permissions;
  }
  return home.SaveConnection(config);
}

Status SaveChangedConnection(Context& context, const config::ConnectionConfig& config) {
  MORTAR_RETURN_IF_ERROR(RequireAdmin(context, "change connections"));
  MORTAR_RETURN_IF_ERROR(context.MakeConnection(config).status());
  return context.home().SaveConnection(config);
}

Status DeleteConnection(Context& context, const std::string& name) {
  MORTAR_RETURN_IF_ERROR(RequireAdmin(context, "delete connections"));
  const config::Home& home = context.home();
  MORTAR_RETURN_IF_ERROR(home.LoadConnection(name).status());
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(home));
  MORTAR_RETURN_IF_ERROR(security::ForgetConnectionSecrets(vault, name).status());
  return home.DeleteConnection(name);
}

Result<config::ConnectionConfig> ChangeConnectionGrant(Context& context, const std::string& name,
                                                       security::ConnectionRight right,
                                                       const std::string& group, bool grant) {
  MORTAR_RETURN_IF_ERROR(RequireAdmin(context, "change who may use a connection"));
  const config::Home& home = context.home();
  if (!group.empty()) {
    MORTAR_ASSIGN_OR_RETURN(auto groups, home.LoadGroups());
    if (std::none_of(groups.begin(), groups.end(),
                     [&](const config::Group& g) { return g.name == group; }))
      return Status::NotFound("no group named '" + group + "' (see 'mortar group list')");
  }
  MORTAR_ASSIGN_OR_RETURN(config::ConnectionConfig config, home.LoadConnection(name));
  MORTAR_RETURN_IF_ERROR(security::SetConnectionGrant(config, right, group, grant));
  MORTAR_RETURN_IF_ERROR(home.SaveConnection(config));
  return config;
}

Status CheckConnectionSecretField(const std::string& field) {
  const auto& fields = ConnectionSecretFields();
  if (std::find(fields.begin(), fields.end(), field) != fields.end()) return Status::OK();
  std::string known;
  for (const auto& f : fields) known += (known.empty() ? "" : ", ") + f;
  return Status::Invalid("unknown secret field '" + field + "' (expected one of " + known + ")");
}

Status SetConnectionSecret(Context& context, const std::string& name, const std::string& field,
                           const std::string& value) {
  MORTAR_RETURN_IF_ERROR(CheckConnectionSecretField(field));
  MORTAR_RETURN_IF_ERROR(RequireAdmin(context, "set a connection's secrets"));
  MORTAR_RETURN_IF_ERROR(context.home().LoadConnection(name).status());
  if (value.empty())
    return Status::Invalid("the " + field + " of connection " + name + " is empty");
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(context.home()));
  return vault.Put(security::ConnectionSecretSlot(name, field), value);
}

Result<std::vector<SecretSet>> ConnectionSecretsSet(Context& context, const std::string& name) {
  MORTAR_RETURN_IF_ERROR(RequireAdmin(context, "see a connection's settings"));
  MORTAR_RETURN_IF_ERROR(context.home().LoadConnection(name).status());
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(context.home()));
  std::string prefix = security::ConnectionSecretSlot(name, "");
  MORTAR_ASSIGN_OR_RETURN(auto stored, vault.List(prefix));
  std::vector<SecretSet> set;
  for (const auto& secret : stored)
    set.push_back({secret.slot.substr(prefix.size()), secret.updated_at});
  return set;
}

}  // namespace mortar
