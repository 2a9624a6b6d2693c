#include "server/session_store.h"

#include "mortar/auth/oauth_client.h"

namespace mortar::server {

std::string SessionStore::Start(const std::string& user) {
  std::string id = auth::RandomUrlSafe();
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_[id] = {user, std::chrono::steady_clock::now() + kSessionLifetime};
  return id;
}

std::optional<Caller> SessionStore::Find(const httplib::Request& request) {
  std::string cookies = request.get_header_value("Cookie");
  std::string prefix = std::string(kCookie) + "=";
  std::size_t at = cookies.find(prefix);
  if (at == std::string::npos) return std::nullopt;
  std::size_t start = at + prefix.size();
  std::string id = cookies.substr(start, cookies.find(';', start) - start);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires < std::chrono::steady_clock::now()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return Caller{it->second.user, id};
}

void SessionStore::End(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.erase(id);
}

void SessionStore::EndUser(const std::string& user, const std::string& keep) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::erase_if(sessions_, [&](const auto& entry) {
    return entry.second.user == user && entry.first != keep;
  });
}

}  // namespace mortar::server
