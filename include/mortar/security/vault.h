// The secret vault: every secret Mortar keeps (tokens, client secrets, refresh tokens,
// storage keys) is encrypted at rest with XChaCha20-Poly1305 under the data directory's
// key (secret.key, mode 0600), in <home>/security/vault.json. Each secret sits in a
// named slot ("connection/dbx/token", "user/alice/connection/dbx/oauth"); the slot name
// is bound into the ciphertext as associated data, so a secret copied into another slot
// no longer decrypts. Thread-safe and safe across processes: writes take a file lock
// and replace the file atomically.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mortar/core/result.h"

namespace mortar::config {
class Home;
}

namespace mortar::security {

struct SecretInfo {
  std::string slot;
  std::string updated_at;  // ISO 8601, UTC: when the value was last stored
};

class Vault {
 public:
  // Checks the key file (present, owner-only) and creates an empty vault if needed.
  static Result<Vault> Open(const config::Home& home);

  // The secret in a slot, or nullopt when the slot is empty.
  Result<std::optional<std::string>> Get(const std::string& slot) const;
  Status Put(const std::string& slot, const std::string& value) const;
  // Removes the slot; harmless when it is empty.
  Status Delete(const std::string& slot) const;
  // Gets and removes the secret at once (one-time values such as pending grants).
  Result<std::optional<std::string>> Take(const std::string& slot) const;
  // Slots whose names start with prefix, without their values.
  Result<std::vector<SecretInfo>> List(const std::string& prefix) const;

  // Read-modify-write of one slot under the vault's lock, so that another thread or
  // process cannot interleave (for example two refreshes of a rotating refresh
  // token). update receives the current value and returns the new one (nullopt
  // leaves the slot as it is). The lock is held while update runs.
  using Update = std::function<Result<std::optional<std::string>>(std::optional<std::string>)>;
  Status Modify(const std::string& slot, const Update& update) const;

  // Runs `body` holding a lock of this slot's own (across threads and processes), not
  // the vault's: for work that must not run twice at once for one slot but may be slow,
  // such as refreshing a rotating refresh token over the network. Get and Put inside
  // it take the vault's lock only for their moment.
  Status WithSlotLock(const std::string& slot, const std::function<Status()>& body) const;

  // Makes a new key, re-encrypts every secret with it and retires the old key. A crash
  // at any point leaves a vault that opens: the key file keeps the old key until every
  // secret is under the new one. Returns the number of secrets re-encrypted.
  Result<int64_t> RotateKey() const;
  // The id of the key that new secrets are encrypted with.
  Result<std::string> ActiveKeyId() const;

 private:
  Vault(std::filesystem::path key_file, std::filesystem::path vault_file,
        std::filesystem::path lock_file)
      : key_file_(std::move(key_file)),
        vault_file_(std::move(vault_file)),
        lock_file_(std::move(lock_file)) {}

  std::filesystem::path key_file_;
  std::filesystem::path vault_file_;
  std::filesystem::path lock_file_;
};

// Slot names, in one place.
std::string ConnectionSecretSlot(const std::string& connection, const std::string& field);
std::string UserConnectionSecretSlot(const std::string& user, const std::string& connection,
                                     const std::string& field);

// Removes every secret of a connection: its own slots and each user's for it. Returns
// how many slots went. Run when the connection is deleted, so that a new connection
// of the same name starts without them.
Result<int64_t> ForgetConnectionSecrets(const Vault& vault, const std::string& connection);

}  // namespace mortar::security
