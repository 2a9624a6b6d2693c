// The per-user OAuth grant (authorization code with PKCE S256): started for a user
// from the web page or the CLI, finished at Mortar's callback. A pending grant lives
// in the vault (slot "pending/<state>") for ten minutes, is bound to its user, to the
// redirect URI it was started with and, when a browser session started it, to that
// session; it is used once.
#pragma once

#include <string>

#include "mortar/auth/oauth_client.h"
#include "mortar/security/vault.h"

namespace mortar::auth {

struct PendingGrant {
  std::string user;
  std::string connection;
  std::string verifier;  // the PKCE verifier: a secret
  std::string redirect_uri;
  std::string session;     // a digest of the browser session that started it, or ""
  int64_t created_at = 0;  // Unix seconds
};

// Records a pending grant and returns the URL to send the user's browser to.
Result<std::string> StartUserGrant(const security::Vault& vault, const OAuthClient& client,
                                   const PendingGrant& grant);

// Takes the pending grant of a state (it cannot be used again). Unknown, used and
// expired states are refused with a message saying to start again.
Result<PendingGrant> TakePendingGrant(const security::Vault& vault, const std::string& state);

// The digest of a session id that pending grants keep (never the id itself).
std::string SessionDigest(const std::string& session_id);

}  // namespace mortar::auth
