// Where `mortar serve` listens and the base URL browsers use, kept in mortar.json.
#include <nlohmann/json.hpp>

#include "mortar/config/document.h"
#include "mortar/server/server.h"

namespace mortar::server {

using Json = nlohmann::json;

Result<ServerOptions> LoadServerSettings(const config::Home& home) {
  ServerOptions options;
  MORTAR_ASSIGN_OR_RETURN(Json json, config::ReadJsonFile(home.root() / "mortar.json"));
  if (json.contains("server") && json["server"].is_object()) {
    options.base_url = json["server"].value("base_url", "");
    options.host = json["server"].value("host", options.host);
    options.port = json["server"].value("port", options.port);
  }
  return options;
}

Status SaveServerSettings(const config::Home& home, const ServerOptions& options) {
  MORTAR_ASSIGN_OR_RETURN(Json json, config::ReadJsonFile(home.root() / "mortar.json"));
  json["server"] = {{"base_url", options.base_url}, {"host", options.host}, {"port", options.port}};
  return config::WriteJsonFile(home.root() / "mortar.json", json);
}

std::string EffectiveBaseUrl(const config::Home& home, const ServerOptions& options) {
  std::string base = options.base_url;
  if (base.empty()) {
    auto saved = LoadServerSettings(home);
    if (saved.ok()) base = saved->base_url;
  }
  if (base.empty()) base = "http://" + options.host + ":" + std::to_string(options.port);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

}  // namespace mortar::server
