#include "mortar/auth/token_source_cache.h"

#include <algorithm>
#include <utility>

namespace mortar::auth {

TokenSourceCache::TokenSourceCache(std::size_t max_sources,
                                   std::chrono::steady_clock::duration idle_limit, Clock now)
    : max_sources_(std::max<std::size_t>(max_sources, 1)),
      idle_limit_(idle_limit),
      now_(std::move(now)) {}

std::shared_ptr<TokenSource> TokenSourceCache::GetOrMake(
    const std::string& key, const std::function<std::shared_ptr<TokenSource>()>& make) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = now_();
  auto found = sources_.find(key);
  if (found != sources_.end() && now - found->second.last_used <= idle_limit_) {
    found->second.last_used = now;
    return found->second.source;
  }
  if (found != sources_.end()) sources_.erase(found);
  Evict(now);
  auto source = make();
  if (source) sources_[key] = Entry{source, now};
  return source;
}

std::size_t TokenSourceCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sources_.size();
}

void TokenSourceCache::Evict(std::chrono::steady_clock::time_point now) {
  std::erase_if(sources_,
                [&](const auto& entry) { return now - entry.second.last_used > idle_limit_; });
  while (sources_.size() >= max_sources_) {
    auto oldest = std::min_element(
        sources_.begin(), sources_.end(),
        [](const auto& a, const auto& b) { return a.second.last_used < b.second.last_used; });
    sources_.erase(oldest);
  }
}

}  // namespace mortar::auth
