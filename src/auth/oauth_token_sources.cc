#include "mortar/auth/oauth_token_sources.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "mortar/core/wall_time.h"

namespace mortar::auth {

namespace {

using Json = nlohmann::json;

// A cached access token and when it stops being good to use.
struct CachedToken {
  std::string access_token;
  int64_t expires_at = 0;  // Unix seconds
  int64_t lifetime = 0;

  bool Fresh() const {
    return !access_token.empty() && UnixSeconds() + RenewalMargin(lifetime) < expires_at;
  }
  ExpiringHeader Header() const { return {"Bearer " + access_token, expires_at}; }
};

Result<std::string> HeaderValue(Result<ExpiringHeader> header) {
  if (!header.ok()) return header.status();
  return std::move(header->value);
}

// The outcome of a source's last renewal, shared with the callers that waited for it:
// a slow or failing token endpoint costs the requests waiting on it one wait, not one
// each in turn. Begin() before taking the source's lock; the rest under it.
class SharedRenewal {
 public:
  uint64_t Begin() const { return ended_.load(); }
  // The failure of a renewal that ended after Begin(), if one did and failed.
  std::optional<Status> FailedSince(uint64_t begun) const {
    if (ended_.load() != begun && !last_.ok()) return last_;
    return std::nullopt;
  }
  void Ended(Status outcome) {
    last_ = std::move(outcome);
    ++ended_;
  }

 private:
  std::atomic<uint64_t> ended_{0};
  Status last_;
};

class ClientCredentialsSource final : public TokenSource {
 public:
  ClientCredentialsSource(OAuthClient client, std::string description)
      : client_(std::move(client)), description_(std::move(description)) {}

  Result<std::string> AuthorizationHeader() override { return HeaderValue(CurrentHeader()); }
  Result<ExpiringHeader> CurrentHeader() override {
    const uint64_t begun = renewal_.Begin();
    std::lock_guard<std::mutex> lock(mutex_);  // one renewal at a time; others wait for it
    if (!cached_.Fresh()) {
      if (auto failed = renewal_.FailedSince(begun)) return *failed;
      auto grant = client_.ClientCredentials();
      if (!grant.ok()) {
        Status failure(grant.status().code(), description_ + ": " + grant.status().message());
        renewal_.Ended(failure);
        return failure;
      }
      renewal_.Ended(Status::OK());
      cached_ = {grant->access_token, UnixSeconds() + grant->expires_in, grant->expires_in};
    }
    return cached_.Header();
  }
  std::string Describe() const override { return description_; }

 private:
  OAuthClient client_;
  std::string description_;
  std::mutex mutex_;
  CachedToken cached_;
  SharedRenewal renewal_;  // guarded by mutex_, but for Begin()
};

class UserGrantSource final : public TokenSource {
 public:
  UserGrantSource(OAuthClient client, security::Vault vault, std::string slot,
                  std::string description, std::string reauthorize)
      : client_(std::move(client)),
        vault_(std::move(vault)),
        slot_(std::move(slot)),
        description_(std::move(description)),
        reauthorize_(std::move(reauthorize)) {}

  Result<std::string> AuthorizationHeader() override { return HeaderValue(CurrentHeader()); }
  Result<ExpiringHeader> CurrentHeader() override {
    const uint64_t begun = renewal_.Begin();
    std::lock_guard<std::mutex> lock(mutex_);  // one renewal at a time in this process
    if (cached_.Fresh() && !unsaved_) return cached_.Header();
    if (auto failed = renewal_.FailedSince(begun)) return *failed;
    // Across processes: this slot's own lock (never the vault's while the token
    // endpoint is called: a slow one would stall every process), and a token another
    // process renewed meanwhile is reused.
    Status status = vault_.WithSlotLock(slot_, [&]() -> Status {
      if (unsaved_) {
        // A rotated refresh token that could not be stored last time: stored first,
        // since the one in the vault is already spent.
        auto saved = Persist(unsaved_->spent, unsaved_->state);
        if (!saved.ok()) return cached_.Fresh() ? Status::OK() : saved.status();
        unsaved_.reset();
        if (*saved && cached_.Fresh()) return Status::OK();
        if (!*saved) cached_ = {};  // the grant was removed or replaced meanwhile
      }
      // Twice at most: a grant replaced while it was renewed is read again, once.
      for (int attempt = 0;; ++attempt) {
        MORTAR_ASSIGN_OR_RETURN(auto current, vault_.Get(slot_));
        if (!current) return Status::Auth(description_ + ": no authorization yet; " + reauthorize_);
        Json state = Json::parse(*current, nullptr, false);
        if (!state.is_object() || !state.value("refresh_token", Json()).is_string()) {
          return Status::Auth(description_ + ": the stored authorization is unreadable; " +
                              reauthorize_);
        }
        CachedToken stored{state.value("access_token", ""), state.value("expires_at", int64_t{0}),
                           state.value("lifetime", int64_t{0})};
        if (stored.Fresh()) {
          cached_ = stored;
          return Status::OK();
        }
        const std::string spent = state["refresh_token"].get<std::string>();
        auto grant = client_.Refresh(spent);
        if (!grant.ok()) {
          cached_ = {};
          if (grant.status().code() == ErrorCode::kAuth) {
            return Status::Auth(description_ +
                                ": the refresh token is expired or revoked (the token "
                                "endpoint said: " +
                                grant.status().message() + "); " + reauthorize_)
                .WithDetail(OAuthErrorDetail("invalid_grant"));
          }
          return Status(grant.status().code(), description_ + ": " + grant.status().message());
        }
        state["access_token"] = grant->access_token;
        state["expires_at"] = UnixSeconds() + grant->expires_in;
        state["lifetime"] = grant->expires_in;
        if (!grant->refresh_token.empty()) {
          state["refresh_token"] = grant->refresh_token;  // rotation: the old one is dead
          state["refreshed_at"] = UtcNow();
          state.erase("refresh_expires_at");
          if (grant->refresh_expires_in > 0)
            state["refresh_expires_at"] = UnixSeconds() + grant->refresh_expires_in;
        }
        auto saved = Persist(spent, state.dump());
        if (!saved.ok()) {
          // Kept in memory and stored again before anything else: losing it would
          // leave only a spent refresh token.
          cached_ = {grant->access_token, UnixSeconds() + grant->expires_in, grant->expires_in};
          unsaved_ = Unsaved{spent, state.dump()};
          return Status(saved.status().code(),
                        description_ +
                            ": renewed, but the new refresh token could not be stored (" +
                            saved.status().message() + "); it is kept and stored again next");
        }
        if (*saved) {
          cached_ = {grant->access_token, UnixSeconds() + grant->expires_in, grant->expires_in};
          return Status::OK();
        }
        // The grant was removed (credentials forgotten, the user deleted) or replaced (a
        // new authorization) while it was renewed: what was renewed is dropped, never
        // stored over it, and the slot is read again.
        cached_ = {};
        if (attempt > 0) {
          return Status::Auth(description_ + ": the authorization changed while it was renewed; " +
                              reauthorize_);
        }
      }
    });
    renewal_.Ended(status);
    if (!status.ok()) return status;
    return cached_.Header();
  }
  std::string Describe() const override { return description_; }

 private:
  OAuthClient client_;
  security::Vault vault_;
  std::string slot_;
  std::string description_;
  std::string reauthorize_;
  std::mutex mutex_;
  CachedToken cached_;
  // A renewed state the vault has not taken yet, and the refresh token it replaces.
  struct Unsaved {
    std::string spent;
    std::string state;
  };
  std::optional<Unsaved> unsaved_;
  SharedRenewal renewal_;  // guarded by mutex_, but for Begin()

  // Stores a renewed state only where the slot still holds the grant whose refresh
  // token `spent` was: in one step under the vault's lock, so that a grant deleted or
  // replaced meanwhile (which takes no slot lock) is never brought back or overwritten.
  // True when stored, false when the grant is no longer there to update.
  Result<bool> Persist(const std::string& spent, const std::string& state) {
    Status saved;
    for (int attempt = 0; attempt < 3; ++attempt) {
      bool stored = false;
      saved = vault_.Modify(
          slot_, [&](std::optional<std::string> current) -> Result<std::optional<std::string>> {
            if (!current) return std::optional<std::string>();
            Json now = Json::parse(*current, nullptr, false);
            if (!now.is_object() || now.value("refresh_token", Json()) != Json(spent))
              return std::optional<std::string>();
            stored = true;
            return std::optional<std::string>(state);
          });
      if (saved.ok()) return stored;
    }
    return saved;
  }
};

}  // namespace

int64_t RenewalMargin(int64_t lifetime_seconds) {
  return std::min<int64_t>(lifetime_seconds / 2, 300);
}

std::shared_ptr<TokenSource> MakeClientCredentialsSource(OAuthClient client,
                                                         std::string description) {
  return std::make_shared<ClientCredentialsSource>(std::move(client), std::move(description));
}

std::shared_ptr<TokenSource> MakeUserGrantSource(OAuthClient client, security::Vault vault,
                                                 std::string slot, std::string description,
                                                 std::string reauthorize) {
  return std::make_shared<UserGrantSource>(std::move(client), std::move(vault), std::move(slot),
                                           std::move(description), std::move(reauthorize));
}

Status StoreUserGrant(const security::Vault& vault, const std::string& slot,
                      const TokenGrant& grant) {
  if (grant.refresh_token.empty()) {
    return Status::Auth(
        "the authorization server issued no refresh token: the scope must include "
        "offline_access");
  }
  std::string now = UtcNow();
  Json state = {{"refresh_token", grant.refresh_token},
                {"access_token", grant.access_token},
                {"expires_at", UnixSeconds() + grant.expires_in},
                {"lifetime", grant.expires_in},
                {"authorized_at", now},
                {"refreshed_at", now},
                // Which authorization this is, through its refreshes: a token source is
                // bound to it (so another user later of the same name gets none of it).
                {"grant_id", RandomUrlSafe()}};
  if (grant.refresh_expires_in > 0)
    state["refresh_expires_at"] = UnixSeconds() + grant.refresh_expires_in;
  return vault.Put(slot, state.dump());
}

Result<std::optional<UserGrantInfo>> ReadUserGrantInfo(const security::Vault& vault,
                                                       const std::string& slot) {
  MORTAR_ASSIGN_OR_RETURN(auto value, vault.Get(slot));
  if (!value) return std::optional<UserGrantInfo>();
  Json state = Json::parse(*value, nullptr, false);
  if (!state.is_object()) return std::optional<UserGrantInfo>();
  auto when = [&](const char* key) {
    return state.value(key, Json()).is_number_integer() ? UtcText(state[key].get<int64_t>())
                                                        : std::string();
  };
  return std::optional<UserGrantInfo>(
      UserGrantInfo{state.value("authorized_at", ""), state.value("refreshed_at", ""),
                    when("expires_at"), when("refresh_expires_at")});
}

}  // namespace mortar::auth
