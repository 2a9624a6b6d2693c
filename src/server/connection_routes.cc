#include "mortar/auth/authorization_flow.h"
#include "mortar/connectors/browse.h"
#include "mortar/connectors/personal_token.h"
#include "mortar/security/accounts.h"
#include "mortar/security/permissions.h"
#include "mortar/security/vault.h"
#include "server/api_routes.h"

namespace mortar::server {

namespace {

// What the credentials page shows of a connection's credentials: no secret.
Json CredentialsJson(const CredentialState& state) {
  return Json{{"method", state.method},
              {"per_user", state.per_user},
              {"provided", state.provided},
              {"obtained_at", state.obtained_at},
              {"refreshed_at", state.refreshed_at},
              {"access_expires_at", state.access_expires_at},
              {"refresh_expires_at", state.refresh_expires_at},
              {"action", state.action}};
}

// Starts the user's OAuth grant for the connection; the URL to send the browser to.
Result<std::string> StartGrant(RouteContext& routes, const std::string& user,
                               const std::string& connection_name, const std::string& session) {
  MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(user));
  MORTAR_ASSIGN_OR_RETURN(Connection * connection, context->GetConnection(connection_name));
  MORTAR_ASSIGN_OR_RETURN(auth::OAuthClient client, connection->UserGrantClient());
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(routes.home()));
  return auth::StartUserGrant(
      vault, client,
      auth::PendingGrant{user, connection_name, "", routes.redirect_uri(), session, 0});
}

}  // namespace

void AddConnectionRoutes(RouteTable& http, RouteContext& routes) {
  http.Get(
      "/api/connections", routes.Api([&routes](const auto&, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
        MORTAR_ASSIGN_OR_RETURN(config::User user, routes.home().FindUser(caller.user));
        MORTAR_ASSIGN_OR_RETURN(auto names, routes.home().ListConnections());
        Json list = Json::array();
        // Only the connections the caller may use, with what else they may do.
        for (const auto& name : names) {
          auto config = routes.home().LoadConnection(name);
          if (!config.ok()) {
            if (user.admin) list.push_back({{"name", name}, {"error", config.status().message()}});
            continue;
          }
          MORTAR_ASSIGN_OR_RETURN(bool use, security::HasConnectionRight(
                                                user, *config, security::ConnectionRight::kUse));
          if (!use) continue;
          MORTAR_ASSIGN_OR_RETURN(
              bool free_sql,
              security::HasConnectionRight(user, *config, security::ConnectionRight::kFreeSql));
          Json entry = {{"name", name}, {"may", {{"use", true}, {"free_sql", free_sql}}}};
          auto connection = context->GetConnection(name);
          if (!connection.ok()) {
            entry["error"] = connection.status().message();
          } else {
            entry["type"] = (*connection)->type();
            entry["description"] = (*connection)->config().description;
            auto state = (*connection)->Credentials();
            if (state.ok()) {
              entry["credentials"] = CredentialsJson(*state);
            } else {
              entry["error"] = state.status().message();
            }
          }
          list.push_back(std::move(entry));
        }
        return list;
      }));
  http.Post(
      R"(/api/connections/([A-Za-z0-9_-]+)/test)",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
        MORTAR_ASSIGN_OR_RETURN(Connection * connection,
                                context->GetConnection(request.matches[1]));
        MORTAR_ASSIGN_OR_RETURN(TestReport report, connection->Test());
        Json json = {{"connection", connection->name()}, {"ok", true}};
        for (const auto& [key, value] : report) json["report"][key] = value;
        return json;
      }));
  // Browsing what a SQL connection holds: ?catalog=&schema= (and &table= for columns).
  http.Get(
      R"(/api/connections/([A-Za-z0-9_-]+)/(catalogs|schemas|tables|columns))",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
        MORTAR_ASSIGN_OR_RETURN(Connection * connection,
                                context->GetConnection(request.matches[1]));
        SqlConnection* sql = connection->AsSql();
        if (sql == nullptr) {
          return Status::Invalid("connection '" + connection->name() +
                                 "' has no tables: it is of type " + connection->type());
        }
        MORTAR_ASSIGN_OR_RETURN(BrowseLevel level, ParseBrowseLevel(request.matches[2]));
        sql::TableName where{request.get_param_value("catalog"), request.get_param_value("schema"),
                             request.get_param_value("table")};
        return Browse(*sql, level, where);
      }));
  // Browsing what a files connection holds: ?path= (the root when absent).
  http.Get(
      R"(/api/connections/([A-Za-z0-9_-]+)/files)",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
        MORTAR_ASSIGN_OR_RETURN(Connection * connection,
                                context->GetConnection(request.matches[1]));
        return BrowseFolder(*connection, request.get_param_value("path"));
      }));
  http.Post(
      R"(/api/connections/([A-Za-z0-9_-]+)/authorize)",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(
            std::string url,
            StartGrant(routes, caller.user, request.matches[1],
                       caller.session_id.empty() ? "" : auth::SessionDigest(caller.session_id)));
        return Json{{"url", url}};
      }));
  http.Put(
      R"(/api/connections/([A-Za-z0-9_-]+)/credentials)",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
        if (!body.value("token", Json()).is_string() || body["token"].get<std::string>().empty() ||
            !body.value("expires", Json("")).is_string())
          return Status::Invalid("expected {\"token\": \"...\", \"expires\": \"yyyy-mm-dd\"}");
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
        MORTAR_ASSIGN_OR_RETURN(Connection * connection,
                                context->GetConnection(request.matches[1]));
        MORTAR_RETURN_IF_ERROR(StorePersonalToken(routes.home(), *connection, caller.user,
                                                  body["token"].get<std::string>(),
                                                  body.value("expires", std::string())));
        return Json{{"ok", true}};
      }));
  http.Delete(
      R"(/api/connections/([A-Za-z0-9_-]+)/credentials)",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_RETURN_IF_ERROR(
            ForgetUserCredentials(routes.home(), caller.user, request.matches[1]));
        return Json{{"ok", true}};
      }));
}

}  // namespace mortar::server
