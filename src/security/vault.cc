#include "mortar/security/vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "mortar/config/document.h"
#include "mortar/config/home.h"
#include "mortar/core/digest.h"
#include "mortar/core/parse_integer.h"
#include "mortar/core/wall_time.h"
#include "security/file_lock.h"

namespace mortar::security {

namespace {

namespace fs = std::filesystem;
using config::Json;

constexpr auto kOwnerOnly = fs::perms::owner_read | fs::perms::owner_write;

struct Key {
  std::string id;
  std::string bytes;  // crypto_aead_xchacha20poly1305_ietf_KEYBYTES
};

Status InitSodium() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  return Status::OK();
}

std::string ToHex(const std::string& bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  hex.pop_back();
  return hex;
}

std::string ToBase64(const std::string& bytes) {
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  text.pop_back();
  return text;
}

std::optional<std::string> FromBase64(const std::string& text) {
  std::string bytes(text.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  bytes.resize(length);
  return bytes;
}

// secret.key holds one key per line, "<id> <64 hex digits>", the last one active. A
// single line of hex digits (the first format) is key "1".
Result<std::vector<Key>> ReadKeys(const fs::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) {
    return Status::NotFound(file.string() + ": the secret key is missing (run 'mortar init')");
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Status::Auth(file.string() +
                        ": the secret key is readable by others; run 'chmod 600' on it");
  }
  std::ifstream in(file);
  std::vector<Key> keys;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::istringstream words(line);
    std::string first, second;
    words >> first >> second;
    if (first.empty()) continue;
    Key key;
    key.id = second.empty() ? "1" : first;
    const std::string& hex = second.empty() ? first : second;
    key.bytes.resize(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
    size_t length = 0;
    if (hex.size() != key.bytes.size() * 2 ||
        sodium_hex2bin(reinterpret_cast<unsigned char*>(key.bytes.data()), key.bytes.size(),
                       hex.data(), hex.size(), nullptr, &length, nullptr) != 0 ||
        length != key.bytes.size()) {
      return Status::Invalid(file.string() + ": line " + std::to_string(number) +
                             ": expected a key id and 64 hex digits");
    }
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return Status::Invalid(file.string() + ": holds no key");
  return keys;
}

Status WriteKeys(const fs::path& file, const std::vector<Key>& keys) {
  std::string text;
  for (const auto& key : keys) text += key.id + " " + ToHex(key.bytes) + "\n";
  return config::WriteTextFile(file, text, kOwnerOnly);
}

Result<Json> ReadVaultFile(const fs::path& file) {
  if (!fs::exists(file)) return Json{{"format", 1}, {"secrets", Json::object()}};
  MORTAR_ASSIGN_OR_RETURN(Json json, config::ReadJsonFile(file));
  if (!json.is_object() || !json.contains("secrets") || !json["secrets"].is_object()) {
    return Status::Invalid(file.string() + ": expected an object with 'secrets'");
  }
  return json;
}

Json Encrypt(const Key& key, const std::string& slot, const std::string& plaintext) {
  std::string nonce(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  std::string sealed(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long sealed_length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(sealed.data()), &sealed_length,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(slot.data()), slot.size(), nullptr,
      reinterpret_cast<const unsigned char*>(nonce.data()),
      reinterpret_cast<const unsigned char*>(key.bytes.data()));
  sealed.resize(sealed_length);
  return Json{{"key", key.id}, {"nonce", ToBase64(nonce)}, {"ciphertext", ToBase64(sealed)}};
}

Result<std::string> Decrypt(const std::vector<Key>& keys, const std::string& slot,
                            const Json& entry, const fs::path& file) {
  auto fail = [&](const std::string& what) {
    return Status::Auth(file.string() + ": the secret in slot '" + slot + "' " + what);
  };
  if (!entry.is_object() || !entry.value("key", Json()).is_string() ||
      !entry.value("nonce", Json()).is_string() || !entry.value("ciphertext", Json()).is_string()) {
    return fail("is malformed");
  }
  const Key* key = nullptr;
  for (const auto& candidate : keys) {
    if (candidate.id == entry["key"].get<std::string>()) key = &candidate;
  }
  if (key == nullptr) {
    return fail("is encrypted with key '" + entry["key"].get<std::string>() +
                "', which secret.key does not hold (was the key file replaced?)");
  }
  auto nonce = FromBase64(entry["nonce"].get<std::string>());
  auto sealed = FromBase64(entry["ciphertext"].get<std::string>());
  if (!nonce || !sealed || nonce->size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
      sealed->size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return fail("is malformed");
  }
  std::string plaintext(sealed->size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &length, nullptr,
          reinterpret_cast<const unsigned char*>(sealed->data()), sealed->size(),
          reinterpret_cast<const unsigned char*>(slot.data()), slot.size(),
          reinterpret_cast<const unsigned char*>(nonce->data()),
          reinterpret_cast<const unsigned char*>(key->bytes.data())) != 0) {
    return fail("does not decrypt: it was altered, or moved from another slot");
  }
  plaintext.resize(length);
  return plaintext;
}

}  // namespace

std::string ConnectionSecretSlot(const std::string& connection, const std::string& field) {
  return "connection/" + connection + "/" + field;
}

std::string UserConnectionSecretSlot(const std::string& user, const std::string& connection,
                                     const std::string& field) {
  return "user/" + user + "/connection/" + connection + "/" + field;
}

Result<int64_t> ForgetConnectionSecrets(const Vault& vault, const std::string& connection) {
  std::string own = ConnectionSecretSlot(connection, "");
  std::string users = "/" + own;  // user/<name>/connection/<connection>/<field>
  MORTAR_ASSIGN_OR_RETURN(auto slots, vault.List(""));
  int64_t removed = 0;
  for (const auto& info : slots) {
    const std::string& slot = info.slot;
    bool per_user = slot.rfind("user/", 0) == 0 && slot.find(users) != std::string::npos &&
                    slot.find('/', 5) == slot.find(users);
    if (slot.rfind(own, 0) != 0 && !per_user) continue;
    MORTAR_RETURN_IF_ERROR(vault.Delete(slot));
    ++removed;
  }
  return removed;
}

Result<Vault> Vault::Open(const config::Home& home) {
  MORTAR_RETURN_IF_ERROR(InitSodium());
  Vault vault(home.KeyFile(), home.SecurityDir() / "vault.json", home.SecurityDir() / "vault.lock");
  MORTAR_RETURN_IF_ERROR(ReadKeys(vault.key_file_).status());
  return vault;
}

Result<std::optional<std::string>> Vault::Get(const std::string& slot) const {
  MORTAR_ASSIGN_OR_RETURN(auto lock, FileLock::Acquire(lock_file_, false));
  MORTAR_ASSIGN_OR_RETURN(auto keys, ReadKeys(key_file_));
  MORTAR_ASSIGN_OR_RETURN(Json vault, ReadVaultFile(vault_file_));
  const Json& secrets = vault["secrets"];
  if (!secrets.contains(slot)) return std::optional<std::string>();
  MORTAR_ASSIGN_OR_RETURN(std::string value, Decrypt(keys, slot, secrets[slot], vault_file_));
  return std::optional<std::string>(std::move(value));
}

Status Vault::Modify(const std::string& slot, const Update& update) const {
  MORTAR_ASSIGN_OR_RETURN(auto lock, FileLock::Acquire(lock_file_, true));
  MORTAR_ASSIGN_OR_RETURN(auto keys, ReadKeys(key_file_));
  MORTAR_ASSIGN_OR_RETURN(Json vault, ReadVaultFile(vault_file_));
  Json& secrets = vault["secrets"];
  std::optional<std::string> current;
  if (secrets.contains(slot)) {
    MORTAR_ASSIGN_OR_RETURN(current, Decrypt(keys, slot, secrets[slot], vault_file_));
  }
  MORTAR_ASSIGN_OR_RETURN(auto next, update(std::move(current)));
  if (!next) return Status::OK();
  Json entry = Encrypt(keys.back(), slot, *next);
  entry["updated_at"] = UtcNow();
  secrets[slot] = std::move(entry);
  return config::WriteJsonFile(vault_file_, vault, kOwnerOnly);
}

Status Vault::WithSlotLock(const std::string& slot, const std::function<Status()>& body) const {
  fs::path folder = lock_file_.parent_path() / "slot-locks";
  std::error_code error;
  fs::create_directories(folder, error);
  fs::permissions(folder, fs::perms::owner_all, error);
  MORTAR_ASSIGN_OR_RETURN(
      auto lock, FileLock::Acquire(folder / (Sha256Hex(slot).substr(0, 32) + ".lock"), true));
  return body();
}

Status Vault::Put(const std::string& slot, const std::string& value) const {
  return Modify(slot, [&](std::optional<std::string>) -> Result<std::optional<std::string>> {
    return std::optional<std::string>(value);
  });
}

Status Vault::Delete(const std::string& slot) const {
  MORTAR_ASSIGN_OR_RETURN(auto lock, FileLock::Acquire(lock_file_, true));
  MORTAR_ASSIGN_OR_RETURN(Json vault, ReadVaultFile(vault_file_));
  if (vault["secrets"].erase(slot) == 0) return Status::OK();
  return config::WriteJsonFile(vault_file_, vault, kOwnerOnly);
}

Result<std::optional<std::string>> Vault::Take(const std::string& slot) const {
  MORTAR_ASSIGN_OR_RETURN(auto lock, FileLock::Acquire(lock_file_, true));
  MORTAR_ASSIGN_OR_RETURN(auto keys, ReadKeys(key_file_));
  MORTAR_ASSIGN_OR_RETURN(Json vault, ReadVaultFile(vault_file_));
  Json& secrets = vault["secrets"];
  if (!secrets.contains(slot)) return std::optional<std::string>();
  MORTAR_ASSIGN_OR_RETURN(std::string value, Decrypt(keys, slot, secrets[slot], vault_file_));
  secrets.erase(slot);
  MORTAR_RETURN_IF_ERROR(config::WriteJsonFile(vault_file_, vault, kOwnerOnly));
  return std::optional<std::string>(std::move(value));
}

Result<std::vector<SecretInfo>> Vault::List(const std::string& prefix) const {
  MORTAR_ASSIGN_OR_RETURN(auto lock, FileLock::Acquire(lock_file_, false));
  MORTAR_ASSIGN_OR_RETURN(Json vault, ReadVaultFile(vault_file_));
  std::vector<SecretInfo> found;
  for (const auto& [slot, entry] : vault["secrets"].items()) {
    if (slot.rfind(prefix, 0) != 0) continue;
    found.push_back({slot, entry.is_object() ? entry.value("updated_at", "") : ""});
  }
  return found;
}

Result<std::string> Vault::ActiveKeyId() const {
  MORTAR_ASSIGN_OR_RETURN(auto keys, ReadKeys(key_file_));
  return keys.back().id;
}

Result<int64_t> Vault::RotateKey() const {
  MORTAR_ASSIGN_OR_RETURN(auto lock, FileLock::Acquire(lock_file_, true));
  MORTAR_ASSIGN_OR_RETURN(auto keys, ReadKeys(key_file_));
  MORTAR_ASSIGN_OR_RETURN(Json vault, ReadVaultFile(vault_file_));
  int64_t highest = 0;
  for (const auto& key : keys) {
    // A hand-named key is skipped: numbering goes on from the numeric ones.
    if (auto number = ParseInteger(key.id)) highest = std::max<int64_t>(highest, *number);
  }
  Key fresh{std::to_string(highest + 1),
            std::string(crypto_aead_xchacha20poly1305_ietf_KEYBYTES, '\0')};
  crypto_aead_xchacha20poly1305_ietf_keygen(reinterpret_cast<unsigned char*>(fresh.bytes.data()));
  // 1. Both keys in the file; 2. every secret under the new one; 3. the old ones gone.
  auto both = keys;
  both.push_back(fresh);
  MORTAR_RETURN_IF_ERROR(WriteKeys(key_file_, both));
  int64_t count = 0;
  for (auto& [slot, entry] : vault["secrets"].items()) {
    MORTAR_ASSIGN_OR_RETURN(std::string value, Decrypt(keys, slot, entry, vault_file_));
    Json updated = Encrypt(fresh, slot, value);
    updated["updated_at"] = entry.value("updated_at", UtcNow());
    entry = std::move(updated);
    ++count;
  }
  MORTAR_RETURN_IF_ERROR(config::WriteJsonFile(vault_file_, vault, kOwnerOnly));
  MORTAR_RETURN_IF_ERROR(WriteKeys(key_file_, {fresh}));
  return count;
}

}  // namespace mortar::security
