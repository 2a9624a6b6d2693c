// Where a connection gets the value of its Authorization header. The connection asks
// before each request; sources that refresh (OAuth) plug in here.
// Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "mortar/core/result.h"

namespace mortar::auth {

// An Authorization header's value with when its token expires, read together.
struct ExpiringHeader {
  std::string value;       // "Bearer <token>": a secret
  int64_t expires_at = 0;  // Unix seconds; 0 if the token does not expire
};

class TokenSource {
 public:
  virtual ~TokenSource() = default;
  // "Bearer <token>". The value is a secret: never log it or put it in a Status.
  virtual Result<std::string> AuthorizationHeader() = 0;
  // The header and its expiry, for a client outside Mortar (a recipe's Databricks
  // Connect session) that holds the token and must ask again before it expires.
  virtual Result<ExpiringHeader> CurrentHeader();
  // What the source is, for messages ("personal access token from DATABRICKS_TOKEN").
  virtual std::string Describe() const = 0;
};

// A fixed personal access token.
std::unique_ptr<TokenSource> MakeStaticTokenSource(std::string token, std::string description);

// A handle on a source that several connections share (one refresh for all of them).
std::unique_ptr<TokenSource> ShareTokenSource(std::shared_ptr<TokenSource> shared);

}  // namespace mortar::auth
