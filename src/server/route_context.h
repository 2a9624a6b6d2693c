// What the routes of the REST API share: the data directory and registry, who the
// caller is (a session cookie or an API key), the JSON route wrapper that answers
// errors in one place, and a Context as the caller. Server builds one and each route
// group (api_routes.h) registers its routes on it; it outlives the HTTP server.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "mortar/auth/token_source_cache.h"
#include "mortar/config/home.h"
#include "mortar/flow/context.h"
#include "mortar/recipes/registry.h"
#include "server/session_store.h"

namespace mortar::server {

using Json = nlohmann::json;

class RouteContext {
 public:
  RouteContext(config::Home home, std::shared_ptr<const Registry> registry, std::string base_url,
               std::shared_ptr<auth::TokenSourceCache> tokens, std::ostream& log)
      : home_(std::move(home)),
        registry_(std::move(registry)),
        base_url_(std::move(base_url)),
        redirect_uri_(base_url_ + "/api/oauth2-callback"),
        tokens_(std::move(tokens)),
        log_(log) {}

  const config::Home& home() const { return home_; }
  // Where browsers reach the server, and the OAuth redirect URI under it.
  const std::string& base_url() const { return base_url_; }
  const std::string& redirect_uri() const { return redirect_uri_; }
  SessionStore& sessions() { return sessions_; }

  // One line of the server's log (never a secret, never a query string).
  void Log(const std::string& line);

  // The caller of an API request (an API key, or a session whose changes come from
  // Mortar's page), or an error to answer with.
  Result<Caller> Authenticate(const httplib::Request& request);
  // Whether a browser sent the request from Mortar's own page. Browsers send
  // Sec-Fetch-Site and Origin with every POST; programs that send neither are not
  // browsers, which cross-site forgery needs.
  bool FromOwnPage(const httplib::Request& request) const;

  using Handler = std::function<Result<Json>(const httplib::Request&, const Caller&)>;
  // An API route: authenticated, answered with JSON, errors mapped in one place.
  httplib::Server::Handler Api(Handler handler);

  // A Context acting as the user.
  Result<std::unique_ptr<Context>> ContextFor(const std::string& user) const;
  // A context on the request's project (?project=NAME, or the only one).
  Result<std::unique_ptr<Context>> ProjectContextFor(const std::string& user,
                                                     const httplib::Request& request) const;

 private:
  config::Home home_;
  std::shared_ptr<const Registry> registry_;
  std::string base_url_;
  std::string redirect_uri_;
  std::shared_ptr<auth::TokenSourceCache> tokens_;
  std::ostream& log_;
  std::mutex log_mutex_;
  SessionStore sessions_;
};

// The request's body as a JSON object, or an error saying one was expected.
Result<Json> JsonBody(const httplib::Request& request);
// ?name=N as a whole number from `least` to `most`, `fallback` when absent.
Result<int64_t> BoundedIntegerParam(const httplib::Request& request, const std::string& name,
                                    int64_t fallback, int64_t least, int64_t most);

// The scheme, host and port of a URL, as browsers send it in Origin.
std::string OriginOf(const std::string& url);

}  // namespace mortar::server
