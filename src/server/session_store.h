// The web page's login sessions: a random id in an HttpOnly cookie, the user it logs
// in, valid for kSessionLifetime. Thread-safe; in memory (a restart logs everyone out).
#pragma once

#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace mortar::server {

// Who sent a request: a session cookie or an API key.
struct Caller {
  std::string user;
  std::string session_id;  // empty for API keys
};

class SessionStore {
 public:
  static constexpr const char* kCookie = "mortar_session";
  static constexpr auto kSessionLifetime = std::chrono::hours(12);

  // Starts a session for the user; returns its id.
  std::string Start(const std::string& user);
  // The session the request's cookie names, when it is known and has not expired.
  std::optional<Caller> Find(const httplib::Request& request);
  void End(const std::string& id);
  // Ends every session of `user` but `keep` (a password changed, a user deleted).
  void EndUser(const std::string& user, const std::string& keep);

 private:
  struct Session {
    std::string user;
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex mutex_;
  std::map<std::string, Session> sessions_;
};

}  // namespace mortar::server
