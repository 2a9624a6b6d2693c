#include "mortar/flow/connection_admin.h"
#include "server/api_routes.h"

namespace mortar::server {

namespace {

constexpr const char* kConnection = R"(/api/connections/([A-Za-z0-9_-]+))";

// {"params": {...}} and {"description": "..."} of a request body, when present.
Status ApplySettings(const Json& body, config::ConnectionConfig& config) {
  if (body.contains("params")) {
    if (!body["params"].is_object())
      return Status::Invalid("params is an object of the connection's settings");
    config.params = body["params"];
  }
  if (body.contains("description")) {
    if (!body["description"].is_string()) return Status::Invalid("description is text");
    config.description = body["description"].get<std::string>();
  }
  return Status::OK();
}

// What an admin's form shows of a connection: everything but the secrets' values.
Result<Json> SettingsJson(RouteContext& routes, Context& context, const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(auto secrets, ConnectionSecretsSet(context, name));
  MORTAR_ASSIGN_OR_RETURN(config::ConnectionConfig config, routes.home().LoadConnection(name));
  Json set = Json::array();
  for (const auto& secret : secrets)
    set.push_back({{"field", secret.field}, {"updated_at", secret.updated_at}});
  return Json{{"name", config.name},
              {"type", config.type},
              {"description", config.description},
              {"params", config.params},
              {"permissions", config.permissions},
              {"secrets", set},
              {"secret_fields", ConnectionSecretFields()},
              {"redirect_uri", routes.redirect_uri()}};
}

// {"right": "use"|"free_sql", "group": G | "everyone": true, "grant": true|false}.
Result<Json> ChangeGrant(Context& context, const std::string& name, const Json& body) {
  if (!body.value("right", Json()).is_string() || !body.value("grant", Json()).is_boolean())
    return Status::Invalid(
        "expected {\"right\": \"use\" or \"free_sql\", \"group\": NAME or \"everyone\": true, "
        "\"grant\": true or false}");
  MORTAR_ASSIGN_OR_RETURN(security::ConnectionRight right,
                          security::ParseConnectionRight(body["right"].get<std::string>()));
  const bool everyone = body.value("everyone", Json(false)) == Json(true);
  const Json group = body.value("group", Json());
  if (everyone == group.is_string())
    return Status::Invalid("name a \"group\" (text) or say \"everyone\": true, not both");
  MORTAR_ASSIGN_OR_RETURN(
      config::ConnectionConfig config,
      ChangeConnectionGrant(context, name, right, everyone ? "" : group.get<std::string>(),
                            body["grant"].get<bool>()));
  return Json{{"connection", config.name}, {"permissions", config.permissions}};
}

}  // namespace

void AddConnectionAdminRoutes(RouteTable& http, RouteContext& routes) {
  http.Post("/api/connections", routes.Api([&routes](const httplib::Request& request,
                                                     const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
    if (!body.value("name", Json()).is_string() || !body.value("type", Json()).is_string())
      return Status::Invalid("expected {\"name\", \"type\", \"params\", \"description\"}");
    config::ConnectionConfig config;
    config.name = body["name"].get<std::string>();
    config.type = body["type"].get<std::string>();
    MORTAR_RETURN_IF_ERROR(ApplySettings(body, config));
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
    MORTAR_RETURN_IF_ERROR(AddConnection(*context, config, false));
    return SettingsJson(routes, *context, config.name);
  }));
  http.Get(
      std::string(kConnection) + "/settings",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
        return SettingsJson(routes, *context, request.matches[1]);
      }));
  http.Put(
      std::string(kConnection) + "/settings",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
        MORTAR_RETURN_IF_ERROR(RequireAdmin(*context, "change connections"));
        MORTAR_ASSIGN_OR_RETURN(config::ConnectionConfig config,
                                routes.home().LoadConnection(request.matches[1]));
        MORTAR_RETURN_IF_ERROR(ApplySettings(body, config));
        MORTAR_RETURN_IF_ERROR(SaveChangedConnection(*context, config));
        return SettingsJson(routes, *context, config.name);
      }));
  // Who may use the connection and run free SQL on it, as 'mortar connection grant'.
  http.Put(
      std::string(kConnection) + "/permissions",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
        return ChangeGrant(*context, request.matches[1], body);
      }));
  http.Delete(kConnection, routes.Api([&routes](const httplib::Request& request,
                                                const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
    MORTAR_RETURN_IF_ERROR(DeleteConnection(*context, request.matches[1]));
    return Json{{"deleted", request.matches[1].str()}};
  }));
  // Write-only: the value is stored in the vault and never sent back.
  http.Put(
      std::string(kConnection) + "/secrets/([a-z_]+)",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
        if (!body.value("value", Json()).is_string())
          return Status::Invalid("expected {\"value\": \"...\"}");
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
        MORTAR_RETURN_IF_ERROR(SetConnectionSecret(*context, request.matches[1], request.matches[2],
                                                   body["value"].get<std::string>()));
        return SettingsJson(routes, *context, request.matches[1]);
      }));
}

}  // namespace mortar::server
