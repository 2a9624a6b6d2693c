// Adding, changing and deleting connections and setting their secrets: what an admin
// does from the CLI and from the studio, checked the same way for both. Each change is
// saved only once the changed connection makes sense (the connection type accepts its
// params), so that a mistake never replaces a working connection.
#pragma once

#include <string>
#include <vector>

#include "mortar/config/model.h"
#include "mortar/core/result.h"
#include "mortar/flow/context.h"
#include "mortar/security/permissions.h"

namespace mortar {

// Refused unless the context's user is an admin; `what` says what they tried
// ("add connections").
Status RequireAdmin(const Context& context, const std::string& what);

// The fields a connection may keep in the vault.
const std::vector<std::string>& ConnectionSecretFields();
// Refused, saying which fields there are, unless `field` is one of them.
Status CheckConnectionSecretField(const std::string& field);

// Adds the connection; with `replace`, one of the same name is replaced and keeps who
// may use it, else that is a conflict.
Status AddConnection(Context& context, config::ConnectionConfig config, bool replace);
// Saves a connection whose params or description the caller changed.
Status SaveChangedConnection(Context& context, const config::ConnectionConfig& config);
// Deletes the connection, its secrets first (a new connection of the same name must not
// inherit them; if they cannot be removed, the connection is still there to retry).
Status DeleteConnection(Context& context, const std::string& name);

// Grants or takes away a right on the connection (admins): from a group, which must
// exist, or with `group` empty from every user. Answers the connection as saved.
Result<config::ConnectionConfig> ChangeConnectionGrant(Context& context, const std::string& name,
                                                       security::ConnectionRight right,
                                                       const std::string& group, bool grant);

Status SetConnectionSecret(Context& context, const std::string& name, const std::string& field,
                           const std::string& value);
// The connection's own secret fields that are in the vault, each with when it was
// stored (never their values).
struct SecretSet {
  std::string field;
  std::string updated_at;
};
Result<std::vector<SecretSet>> ConnectionSecretsSet(Context& context, const std::string& name);

}  // namespace mortar
