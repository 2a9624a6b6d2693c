#include "mortar/auth/authorization_flow.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "mortar/core/wall_time.h"

namespace mortar::auth {

namespace {

using Json = nlohmann::json;

constexpr int64_t kPendingSeconds = 600;

bool SafeState(const std::string& state) {
  if (state.empty() || state.size() > 128) return false;
  for (char c : state) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

std::string SessionDigest(const std::string& session_id) {
  return S256Challenge(session_id);
}

Result<std::string> StartUserGrant(const security::Vault& vault, const OAuthClient& client,
                                   const PendingGrant& grant) {
  Pkce pkce = MakePkce();
  std::string state = RandomUrlSafe();
  Json pending = {{"user", grant.user},        {"connection", grant.connection},
                  {"verifier", pkce.verifier}, {"redirect_uri", grant.redirect_uri},
                  {"session", grant.session},  {"created_at", UnixSeconds()}};
  // Expired grants that were never finished are swept as new ones start.
  MORTAR_ASSIGN_OR_RETURN(auto slots, vault.List("pending/"));
  for (const auto& info : slots) {
    auto old = vault.Get(info.slot);
    if (!old.ok() || !*old) continue;
    Json value = Json::parse(**old, nullptr, false);
    if (!value.is_object() ||
        value.value("created_at", int64_t{0}) + kPendingSeconds < UnixSeconds())
      MORTAR_RETURN_IF_ERROR(vault.Delete(info.slot));
  }
  MORTAR_RETURN_IF_ERROR(vault.Put("pending/" + state, pending.dump()));
  return client.AuthorizationUrl(grant.redirect_uri, state, pkce.challenge);
}

Result<PendingGrant> TakePendingGrant(const security::Vault& vault, const std::string& state) {
  static const Status kUnknown = Status::Auth(
      "this authorization is unknown, was already used, or has expired (the state does not "
      "match): start again with Authorize");
  if (!SafeState(state)) return kUnknown;
  MORTAR_ASSIGN_OR_RETURN(auto value, vault.Take("pending/" + state));
  if (!value) return kUnknown;
  Json json = Json::parse(*value, nullptr, false);
  if (!json.is_object()) return kUnknown;
  PendingGrant grant{json.value("user", ""),     json.value("connection", ""),
                     json.value("verifier", ""), json.value("redirect_uri", ""),
                     json.value("session", ""),  json.value("created_at", int64_t{0})};
  if (grant.created_at + kPendingSeconds < UnixSeconds()) {
    return Status::Auth(
        "this authorization took more than ten minutes and has expired: start "
        "again with Authorize");
  }
  return grant;
}

}  // namespace mortar::auth
