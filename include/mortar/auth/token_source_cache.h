// Token sources shared by every connection a process opens for the same credential,
// so that renewals happen once for all of them (the server opens a connection per
// request). Thread-safe, and bounded: a source unused for an hour is dropped, and so is
// the least recently used one when the cache is full, so grants replaced or forgotten
// do not pile up for the server's life. A dropped source that a connection still holds
// keeps working for it; the next connection makes a new one.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "mortar/auth/token_source.h"

namespace mortar::auth {

class TokenSourceCache {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  static constexpr std::size_t kDefaultMaxSources = 1024;
  static constexpr std::chrono::minutes kDefaultIdleLimit{60};

  TokenSourceCache(std::size_t max_sources = kDefaultMaxSources,
                   std::chrono::steady_clock::duration idle_limit = kDefaultIdleLimit,
                   Clock now = std::chrono::steady_clock::now);

  // The source cached under key, made by make the first time. key names the credential
  // and everything it depends on (connection, user, settings).
  std::shared_ptr<TokenSource> GetOrMake(const std::string& key,
                                         const std::function<std::shared_ptr<TokenSource>()>& make);

  std::size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<TokenSource> source;
    std::chrono::steady_clock::time_point last_used;
  };

  // Drops the sources idle past the limit, then the least recently used until there is
  // room for one more. Called with mutex_ held.
  void Evict(std::chrono::steady_clock::time_point now);

  const std::size_t max_sources_;
  const std::chrono::steady_clock::duration idle_limit_;
  const Clock now_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> sources_;
};

}  // namespace mortar::auth
