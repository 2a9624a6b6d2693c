// Token sources shared by every connection a process opens for the same credential,
// so that renewals happen once for all of them (the server opens a connection per
// request). Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "mortar/auth/token_source.h"

namespace mortar::auth {

class TokenSourceCache {
 public:
  // The source cached under key, made by make the first time. key names the credential
  // and everything it depends on (connection, user, settings).
  std::shared_ptr<TokenSource> GetOrMake(
      const std::string& key, const std::function<std::shared_ptr<TokenSource>()>& make) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& slot = sources_[key];
    if (!slot) slot = make();
    return slot;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<TokenSource>> sources_;
};

}  // namespace mortar::auth
