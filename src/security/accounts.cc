#include "mortar/security/accounts.h"

#include <sodium.h>

#include <chrono>

#include "mortar/config/home.h"
#include "mortar/core/digest.h"
#include "mortar/core/wall_time.h"
#include "mortar/security/permissions.h"
#include "security/file_lock.h"

namespace mortar::security {

namespace {

namespace fs = std::filesystem;
using config::Json;

constexpr auto kOwnerOnly = fs::perms::owner_read | fs::perms::owner_write;

fs::path UsersFile(const config::Home& home) {
  return home.SecurityDir() / "users.json";
}
fs::path GroupsFile(const config::Home& home) {
  return home.SecurityDir() / "groups.json";
}
fs::path KeysFile(const config::Home& home) {
  return home.SecurityDir() / "api-keys.json";
}

std::string RandomText(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string text(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                   '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.pop_back();
  // Keys are split on '_'; keep the random parts free of it.
  for (char& c : text) c = c == '_' ? 'Z' : c == '-' ? 'Q' : c;
  return text;
}

// Held around every read-modify-write of users, groups and keys, so that concurrent
// changes (a key created while another is revoked) cannot undo each other.
Result<FileLock> LockAccounts(const config::Home& home) {
  return FileLock::Acquire(home.SecurityDir() / "accounts.lock", true);
}

Result<Json> ReadKeys(const config::Home& home) {
  if (!fs::exists(KeysFile(home))) return Json{{"keys", Json::array()}};
  return config::ReadJsonFile(KeysFile(home));
}

}  // namespace

Result<std::string> HashPassword(const std::string& password) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  if (password.size() < 8) return Status::Invalid("a password needs at least 8 characters");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Internal("not enough memory to hash the password");
  }
  return std::string(hash);
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  if (sodium_init() < 0 || hash.empty()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Status AddUser(const config::Home& home, const config::User& user,
               const std::optional<std::string>& password) {
  MORTAR_RETURN_IF_ERROR(config::ValidateName("user", user.name));
  MORTAR_ASSIGN_OR_RETURN(auto lock, LockAccounts(home));
  MORTAR_ASSIGN_OR_RETURN(Json json, config::ReadJsonFile(UsersFile(home)));
  for (const auto& entry : json["users"]) {
    if (entry.value("name", "") == user.name) {
      return Status::Conflict("user '" + user.name + "' exists already");
    }
  }
  MORTAR_ASSIGN_OR_RETURN(auto groups, home.LoadGroups());
  for (const auto& group : user.groups) {
    bool known = false;
    for (const auto& existing : groups) known = known || existing.name == group;
    if (!known) {
      return Status::NotFound("no group named '" + group + "' (add it with 'mortar group add')");
    }
  }
  Json entry = {{"name", user.name},
                {"display_name", user.display_name.empty() ? user.name : user.display_name},
                {"groups", user.groups},
                {"admin", user.admin}};
  if (password) {
    MORTAR_ASSIGN_OR_RETURN(std::string hash, HashPassword(*password));
    entry["password_hash"] = hash;
  }
  json["users"].push_back(std::move(entry));
  return config::WriteJsonFile(UsersFile(home), json, kOwnerOnly);
}

Status SetPassword(const config::Home& home, const std::string& user, const std::string& password) {
  MORTAR_ASSIGN_OR_RETURN(auto lock, LockAccounts(home));
  MORTAR_ASSIGN_OR_RETURN(Json json, config::ReadJsonFile(UsersFile(home)));
  for (auto& entry : json["users"]) {
    if (entry.value("name", "") != user) continue;
    MORTAR_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
    entry["password_hash"] = hash;
    return config::WriteJsonFile(UsersFile(home), json, kOwnerOnly);
  }
  return Status::NotFound("no user named '" + user + "' (see 'mortar user list')");
}

Status DeleteUser(const config::Home& home, const std::string& user) {
  MORTAR_ASSIGN_OR_RETURN(auto lock, LockAccounts(home));
  MORTAR_ASSIGN_OR_RETURN(Json json, config::ReadJsonFile(UsersFile(home)));
  auto& users = json["users"];
  auto before = users.size();
  users.erase(std::remove_if(users.begin(), users.end(),
                             [&](const Json& entry) { return entry.value("name", "") == user; }),
              users.end());
  if (users.size() == before) return Status::NotFound("no user named '" + user + "'");
  // Their keys go first: a later user of the same name must not inherit them.
  MORTAR_ASSIGN_OR_RETURN(Json keys, ReadKeys(home));
  Json kept = Json::array();
  for (const auto& entry : keys["keys"]) {
    if (entry.value("user", "") != user) kept.push_back(entry);
  }
  keys["keys"] = std::move(kept);
  MORTAR_RETURN_IF_ERROR(config::WriteJsonFile(KeysFile(home), keys, kOwnerOnly));
  return config::WriteJsonFile(UsersFile(home), json, kOwnerOnly);
}

config::Json UserJson(const config::User& user) {
  return {{"name", user.name},
          {"display_name", user.display_name},
          {"admin", user.admin},
          {"groups", user.groups}};
}

Status AddGroup(const config::Home& home, const config::Group& group) {
  MORTAR_RETURN_IF_ERROR(config::ValidateName("group", group.name));
  MORTAR_ASSIGN_OR_RETURN(auto lock, LockAccounts(home));
  MORTAR_ASSIGN_OR_RETURN(Json json, config::ReadJsonFile(GroupsFile(home)));
  for (const auto& entry : json["groups"]) {
    if (entry.value("name", "") == group.name) {
      return Status::Conflict("group '" + group.name + "' exists already");
    }
  }
  json["groups"].push_back({{"name", group.name}, {"description", group.description}});
  return config::WriteJsonFile(GroupsFile(home), json, kOwnerOnly);
}

Result<config::User> Authenticate(const config::Home& home, const std::string& user,
                                  const std::string& password) {
  static const Status kRefused = Status::Unauthenticated("wrong user name or password");
  MORTAR_ASSIGN_OR_RETURN(Json json, config::ReadJsonFile(UsersFile(home)));
  for (const auto& entry : json["users"]) {
    if (entry.value("name", "") != user) continue;
    if (!VerifyPassword(entry.value("password_hash", ""), password)) return kRefused;
    return home.FindUser(user);
  }
  // Spend the same time as a wrong password, so that names cannot be probed.
  static const std::string kDecoy = HashPassword("decoy-password").ValueOr("");
  VerifyPassword(kDecoy, password);
  return kRefused;
}

Result<std::string> CreateApiKey(const config::Home& home, const std::string& user,
                                 const std::string& label) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  MORTAR_ASSIGN_OR_RETURN(auto lock, LockAccounts(home));
  MORTAR_RETURN_IF_ERROR(home.FindUser(user).status());
  MORTAR_ASSIGN_OR_RETURN(Json json, ReadKeys(home));
  std::string id = RandomText(6);
  std::string secret = RandomText(32);
  json["keys"].push_back({{"id", id},
                          {"user", user},
                          {"label", label},
                          {"created_at", UtcNow()},
                          {"sha256", Sha256Hex(secret)}});
  MORTAR_RETURN_IF_ERROR(config::WriteJsonFile(KeysFile(home), json, kOwnerOnly));
  return "mk_" + id + "_" + secret;
}

Result<std::vector<ApiKeyInfo>> ListApiKeys(const config::Home& home, const std::string& user) {
  MORTAR_ASSIGN_OR_RETURN(Json json, ReadKeys(home));
  std::vector<ApiKeyInfo> keys;
  for (const auto& entry : json["keys"]) {
    if (!user.empty() && entry.value("user", "") != user) continue;
    keys.push_back({entry.value("id", ""), entry.value("user", ""), entry.value("label", ""),
                    entry.value("created_at", "")});
  }
  return keys;
}

Status RevokeApiKey(const config::Home& home, const std::string& user, const std::string& id) {
  MORTAR_ASSIGN_OR_RETURN(auto lock, LockAccounts(home));
  MORTAR_ASSIGN_OR_RETURN(Json json, ReadKeys(home));
  auto& keys = json["keys"];
  auto before = keys.size();
  keys.erase(std::remove_if(keys.begin(), keys.end(),
                            [&](const Json& entry) {
                              return entry.value("id", "") == id && entry.value("user", "") == user;
                            }),
             keys.end());
  if (keys.size() == before) {
    return Status::NotFound("user '" + user + "' has no API key '" + id + "'");
  }
  return config::WriteJsonFile(KeysFile(home), json, kOwnerOnly);
}

Result<std::string> UserForApiKey(const config::Home& home, const std::string& key) {
  MORTAR_ASSIGN_OR_RETURN(ApiKeyInfo info, FindApiKey(home, key));
  return info.user;
}

Status CheckApiKeyLive(const config::Home& home, const std::string& id, const std::string& user) {
  MORTAR_ASSIGN_OR_RETURN(auto keys, ListApiKeys(home, user));
  for (const auto& key : keys) {
    if (key.id == id) return Status::OK();
  }
  return Status::Unauthenticated(
      "the API key that made this ticket was revoked (or its user deleted): "
      "the ticket ended with it");
}

Result<ApiKeyInfo> FindApiKey(const config::Home& home, const std::string& key) {
  static const Status kRefused = Status::Unauthenticated(
      "the API key is not valid (revoked, or mistyped); create one with "
      "'mortar api-key create'");
  if (key.rfind("mk_", 0) != 0) return kRefused;
  auto split = key.find('_', 3);
  if (split == std::string::npos) return kRefused;
  std::string id = key.substr(3, split - 3);
  std::string digest = Sha256Hex(key.substr(split + 1));
  MORTAR_ASSIGN_OR_RETURN(Json json, ReadKeys(home));
  for (const auto& entry : json["keys"]) {
    if (entry.value("id", "") != id) continue;
    std::string stored = entry.value("sha256", "");
    if (stored.size() == digest.size() &&
        sodium_memcmp(stored.data(), digest.data(), digest.size()) == 0) {
      // A key lives no longer than its user.
      if (!home.FindUser(entry.value("user", "")).ok()) return kRefused;
      return ApiKeyInfo{id, entry.value("user", ""), entry.value("label", ""),
                        entry.value("created_at", "")};
    }
  }
  return kRefused;
}

Status CheckDetailsReadable(const config::Home& home, const config::ConnectionConfig& connection,
                            const std::string& user) {
  MORTAR_ASSIGN_OR_RETURN(config::User account, home.FindUser(user));
  config::ConfigObject params(connection.params, connection.file, "params");
  MORTAR_ASSIGN_OR_RETURN(auto rule, params.ObjectOr("details_readable_by"));
  MORTAR_ASSIGN_OR_RETURN(bool covered, RuleCovers(rule, account));
  if (covered) return Status::OK();
  return Status::PermissionDenied(
      "user '" + user + "' may not receive the details of connection '" + connection.name +
      "': its 'details readable by' setting does not cover them; an admin can "
      "change it with 'mortar connection set " +
      connection.name + " --param details_readable_by.mode=...'");
}

}  // namespace mortar::security
