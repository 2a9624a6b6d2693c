// `mortar serve`: the REST API, the web page and the OAuth callback, over a data
// directory. Users log in with their Mortar password (a session cookie) or send an API
// key (Authorization: Bearer mk_...). Everything a request does, it does as its user.
#pragma once

#include <ostream>
#include <string>

#include "mortar/config/home.h"
#include "mortar/recipes/registry.h"

namespace mortar::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8484;
  // Where users' browsers reach the server; the OAuth redirect URI is
  // <base_url>/api/oauth2-callback and must be registered exactly so. Empty:
  // http://<host>:<port>.
  std::string base_url;
  int threads = 32;
};

// The base URL the data directory's mortar.json records (server.base_url), else the
// default for these options.
std::string EffectiveBaseUrl(const config::Home& home, const ServerOptions& options);
// Records base_url and listen address in mortar.json for later runs and the CLI.
Status SaveServerSettings(const config::Home& home, const ServerOptions& options);
Result<ServerOptions> LoadServerSettings(const config::Home& home);

// Serves until SIGINT or SIGTERM with the connection and recipe types of `registry`.
// Access lines (method, path without its query, status, user) go to log.
Status Serve(const config::Home& home, const ServerOptions& options,
             std::shared_ptr<const Registry> registry, std::ostream& log);

}  // namespace mortar::server
