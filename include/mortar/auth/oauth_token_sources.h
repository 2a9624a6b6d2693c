// Access-token sources that renew themselves: OAuth client credentials (a service
// principal, global) and OAuth per-user (a refresh token from the user's own grant,
// kept in the vault). Tokens are renewed before they expire (half their lifetime or
// five minutes before, whichever is sooner), one renewal at a time per credential:
// concurrent callers wait for the one renewal and share its token. A rotated refresh
// token is persisted under the vault's lock before it is used, so that two processes
// never spend the same refresh token.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mortar/auth/oauth_client.h"
#include "mortar/auth/token_source.h"
#include "mortar/security/vault.h"

namespace mortar::auth {

std::shared_ptr<TokenSource> MakeClientCredentialsSource(OAuthClient client,
                                                         std::string description);

// reauthorize: what the user must do when the refresh token is missing, expired or
// revoked (it ends the error message).
std::shared_ptr<TokenSource> MakeUserGrantSource(OAuthClient client, security::Vault vault,
                                                 std::string slot, std::string description,
                                                 std::string reauthorize);

// Stores the tokens of a just-completed grant in the slot.
Status StoreUserGrant(const security::Vault& vault, const std::string& slot,
                      const TokenGrant& grant);

// When the user's grant was made, its refresh token last renewed, its current access
// token expires (renewed by itself before then) and, when the server said, its refresh
// token expires (after which the user authorizes again). ISO 8601, UTC; "" if unknown.
struct UserGrantInfo {
  std::string authorized_at;
  std::string refreshed_at;
  std::string access_expires_at;
  std::string refresh_expires_at;
};
Result<std::optional<UserGrantInfo>> ReadUserGrantInfo(const security::Vault& vault,
                                                       const std::string& slot);

// Seconds before expiry at which a token of this lifetime is renewed.
int64_t RenewalMargin(int64_t lifetime_seconds);

}  // namespace mortar::auth
