// Mortar's own accounts: local users' passwords (Argon2id, memory-hard, in
// security/users.json), per-user API keys for scripts and the Python API (random,
// shown once, stored only as SHA-256 hashes in security/api-keys.json), and who may
// receive a connection's usable credentials ("details readable by").
// Thread-compatible; the files are replaced atomically.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mortar/config/document.h"
#include "mortar/config/model.h"

namespace mortar::config {
class Home;
}

namespace mortar::security {

Result<std::string> HashPassword(const std::string& password);
bool VerifyPassword(const std::string& hash, const std::string& password);

// Adds a user (admin only, through the CLI) or changes an existing one's password.
Status AddUser(const config::Home& home, const config::User& user,
               const std::optional<std::string>& password);
Status SetPassword(const config::Home& home, const std::string& user, const std::string& password);
Status DeleteUser(const config::Home& home, const std::string& user);
Status AddGroup(const config::Home& home, const config::Group& group);
// The user when the password is right; an Auth error naming nothing secret otherwise
// (the same message for an unknown user and a wrong password).
// What `mortar user list` and GET /api/users show of a user: name, display name, admin,
// groups (never the password hash).
config::Json UserJson(const config::User& user);

Result<config::User> Authenticate(const config::Home& home, const std::string& user,
                                  const std::string& password);

struct ApiKeyInfo {
  std::string id;  // the public part, shown in lists
  std::string user;
  std::string label;
  std::string created_at;
};

// A new key "mk_<id>_<secret>" for the user; the only time the whole key is shown.
Result<std::string> CreateApiKey(const config::Home& home, const std::string& user,
                                 const std::string& label);
Result<std::vector<ApiKeyInfo>> ListApiKeys(const config::Home& home, const std::string& user);
Status RevokeApiKey(const config::Home& home, const std::string& user, const std::string& id);
// The key (its id and user); an Auth error for an unknown or revoked key, or one whose
// user was deleted. Deleting a user deletes their keys.
Result<ApiKeyInfo> FindApiKey(const config::Home& home, const std::string& key);
Result<std::string> UserForApiKey(const config::Home& home, const std::string& key);
// OK while the user's key `id` exists: what a key made (tickets) ends with it.
Status CheckApiKeyLive(const config::Home& home, const std::string& id, const std::string& user);

// "details_readable_by" of a connection: {"mode": "nobody" | "analysts" | "groups",
// "groups": [...]}; absent means nobody. "analysts" is every Mortar user. Admins may
// always: they hold the data directory's key anyway.
// The rule's shape is permissions.h's access rule.
Status CheckDetailsReadable(const config::Home& home, const config::ConnectionConfig& connection,
                            const std::string& user);

}  // namespace mortar::security
