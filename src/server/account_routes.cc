#include "mortar/security/accounts.h"
#include "mortar/security/permissions.h"
#include "server/api_routes.h"
#include "server/error_reply.h"
#include "server/html_page.h"

namespace mortar::server {

namespace {

// A form post from the login page, or JSON from a script.
void Login(RouteContext& routes, LoginThrottle& throttle, const httplib::Request& request,
           httplib::Response& response) {
  // Another site's page must not log a browser in (as the attacker, say).
  if (!routes.FromOwnPage(request)) {
    return ReplyError(response, Status::PermissionDenied("refused: a login must come from "
                                                         "Mortar's own page "
                                                         "(Origin " +
                                                         OriginOf(routes.base_url()) + ")"));
  }
  std::string type = request.get_header_value("Content-Type");
  bool form = type.rfind("application/x-www-form-urlencoded", 0) == 0;
  std::string user, password, next;
  if (form) {
    user = request.get_param_value("user");
    password = request.get_param_value("password");
    next = request.get_param_value("next");
  } else if (type.rfind("application/json", 0) == 0) {
    Json body = Json::parse(request.body, nullptr, false);
    if (body.is_object() && body.value("user", Json()).is_string() &&
        body.value("password", Json()).is_string()) {
      user = body["user"].get<std::string>();
      password = body["password"].get<std::string>();
    }
  } else {
    return ReplyError(response, Status::Invalid("send the login as application/json "
                                                "{\"user\", \"password\"} or as a form"));
  }
  if (int64_t wait = throttle.SecondsToWait(user, request.remote_addr); wait > 0) {
    response.set_header("Retry-After", std::to_string(wait));
    return ReplyError(
        response,
        Status::Unauthenticated("too many failed logins for this user or from this address: "
                                "try again in " +
                                std::to_string(wait) + " s"),
        429);
  }
  // Empty when too many logins are already waiting for the password hash.
  auto account = [&]() -> std::optional<Result<config::User>> {
    LoginThrottle::Slot slot(throttle);
    if (!slot.held()) return std::nullopt;
    return security::Authenticate(routes.home(), user, password);
  }();
  if (!account) {
    response.set_header("Retry-After", "1");
    return ReplyError(response, Status::Cancelled("too many logins at once: try again in a second"),
                      503);
  }
  if (account->ok()) {
    throttle.Succeeded(user);
  } else {
    throttle.Failed(user, request.remote_addr);
  }
  if (!account->ok()) {
    if (form)
      return ReplyPage(response, 401, "Log in", LoginForm(next, "Wrong user name or password."));
    return ReplyError(response, account->status());
  }
  std::string id = routes.sessions().Start((*account)->name);
  std::string cookie =
      std::string(SessionStore::kCookie) + "=" + id + "; Path=/; HttpOnly; SameSite=Lax";
  if (routes.base_url().rfind("https://", 0) == 0) cookie += "; Secure";
  response.set_header("Set-Cookie", cookie);
  if (form) {
    // Only back into Mortar's own callback or page: never an open redirect.
    bool safe = next.rfind("/api/oauth2-callback?", 0) == 0 || next == "/";
    response.set_redirect(safe ? next : "/", 303);
    return;
  }
  ReplyJson(response, Json{{"user", (*account)->name}});
}

}  // namespace

void AddAccountRoutes(RouteTable& http, RouteContext& routes, LoginThrottle& throttle) {
  http.Post("/api/login", [&routes, &throttle](const auto& request, auto& response) {
    Login(routes, throttle, request, response);
  });
  http.Post("/api/logout", [&routes](const httplib::Request& request, httplib::Response& response) {
    if (auto caller = routes.sessions().Find(request)) routes.sessions().End(caller->session_id);
    response.set_header("Set-Cookie", std::string(SessionStore::kCookie) +
                                          "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    ReplyJson(response, Json{{"ok", true}});
  });
  http.Get("/api/me", routes.Api([&routes](const auto&, const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(config::User user, routes.home().FindUser(caller.user));
    // What they may do: their role on each project they may see.
    MORTAR_ASSIGN_OR_RETURN(auto names, routes.home().ListProjects());
    Json projects = Json::array();
    for (const auto& name : names) {
      MORTAR_ASSIGN_OR_RETURN(security::ProjectRole role,
                              security::ProjectRoleOf(routes.home(), user, name));
      if (role != security::ProjectRole::kNone)
        projects.push_back({{"name", name}, {"role", security::ProjectRoleName(role)}});
    }
    return Json{{"user", user.name},    {"display_name", user.display_name},
                {"admin", user.admin},  {"groups", user.groups},
                {"projects", projects}, {"redirect_uri", routes.redirect_uri()}};
  }));
  http.Get(
      "/api/api-keys", routes.Api([&routes](const auto&, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(auto keys, security::ListApiKeys(routes.home(), caller.user));
        Json list = Json::array();
        for (const auto& key : keys)
          list.push_back({{"id", key.id}, {"label", key.label}, {"created_at", key.created_at}});
        return list;
      }));
  http.Post("/api/api-keys", routes.Api([&routes](const httplib::Request& request,
                                                  const Caller& caller) -> Result<Json> {
    // A key must not breed keys that outlive its revocation.
    if (caller.session_id.empty()) {
      return Status::PermissionDenied(
          "an API key cannot create API keys: create them on the web page or "
          "with 'mortar api-key create'");
    }
    MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
    MORTAR_ASSIGN_OR_RETURN(std::string key, security::CreateApiKey(routes.home(), caller.user,
                                                                    body.value("label", "")));
    return Json{{"key", key}, {"note", "shown once: store it now"}};
  }));
  http.Delete(
      R"(/api/api-keys/([A-Za-z0-9-]+))",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_RETURN_IF_ERROR(
            security::RevokeApiKey(routes.home(), caller.user, request.matches[1]));
        return Json{{"ok", true}};
      }));
}

}  // namespace mortar::server
