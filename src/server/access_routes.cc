#include "mortar/flow/connection_admin.h"
#include "mortar/flow/user_admin.h"
#include "mortar/security/accounts.h"
#include "mortar/security/permissions.h"
#include "server/api_routes.h"
#include "server/error_reply.h"

namespace mortar::server {

namespace {

constexpr const char* kUser = R"(/api/users/([A-Za-z0-9_-]+))";

// A string field of a request body: absent is `fallback`, any other kind is refused.
Result<std::string> StringField(const Json& body, const std::string& key,
                                std::optional<std::string> fallback = std::nullopt) {
  if (!body.contains(key)) {
    if (fallback) return *fallback;
    return Status::Invalid("expected \"" + key + "\" in the request body");
  }
  if (!body[key].is_string()) return Status::Invalid("\"" + key + "\" is a string");
  return body[key].get<std::string>();
}

Json GrantsJson(const std::vector<security::ProjectGrant>& grants) {
  Json list = Json::array();
  for (const auto& grant : grants) list.push_back(security::ProjectGrantJson(grant));
  return list;
}

// {"user"|"group", "role"}: read, write, admin, or none to take the grant away.
Result<security::ProjectGrant> GrantOf(const Json& body) {
  bool user = body.contains("user");
  if (user == body.contains("group"))
    return Status::Invalid("expected {\"user\": NAME} or {\"group\": NAME}, and a \"role\"");
  MORTAR_ASSIGN_OR_RETURN(std::string who, StringField(body, user ? "user" : "group"));
  MORTAR_ASSIGN_OR_RETURN(std::string role, StringField(body, "role"));
  security::ProjectGrant grant{user ? who : "", user ? "" : who, security::ProjectRole::kNone};
  if (role != "none") {
    MORTAR_ASSIGN_OR_RETURN(grant.role, security::ParseProjectRole(role));
  }
  return grant;
}

}  // namespace

void AddAccessRoutes(RouteTable& http, RouteContext& routes, LoginThrottle& throttle) {
  // Who may log in, and the groups: seen by every user, as `mortar user list` shows them.
  http.Get("/api/users",
           routes.Api([&routes](const httplib::Request&, const Caller& caller) -> Result<Json> {
             MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
             MORTAR_ASSIGN_OR_RETURN(auto users, context->home().LoadUsers());
             Json list = Json::array();
             for (const auto& user : users) list.push_back(security::UserJson(user));
             return Json{{"users", list}};
           }));
  http.Post("/api/users", routes.Api([&routes](const httplib::Request& request,
                                               const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
    MORTAR_RETURN_IF_ERROR(RequireAdmin(*context, "manage users"));
    config::User user;
    MORTAR_ASSIGN_OR_RETURN(user.name, StringField(body, "name"));
    MORTAR_ASSIGN_OR_RETURN(user.display_name, StringField(body, "display_name", user.name));
    MORTAR_ASSIGN_OR_RETURN(std::string password, StringField(body, "password"));
    if (body.contains("groups")) {
      if (!body["groups"].is_array()) return Status::Invalid("\"groups\" is a list of names");
      for (const auto& group : body["groups"]) {
        if (!group.is_string()) return Status::Invalid("\"groups\" is a list of names");
        user.groups.push_back(group.get<std::string>());
      }
    }
    if (body.contains("admin") && !body["admin"].is_boolean())
      return Status::Invalid("\"admin\" is true or false");
    user.admin = body.value("admin", false);
    MORTAR_RETURN_IF_ERROR(security::AddUser(context->home(), user, password));
    return Json{{"user", user.name}};
  }));
  // A user's own password (with the current one), or anyone's for an admin. Their other
  // login sessions end: whoever else knew the old password is out.
  http.Put(std::string(kUser) + "/password",
           routes.Api([&routes, &throttle](const httplib::Request& request,
                                           const Caller& caller) -> Result<Json> {
             MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
             MORTAR_ASSIGN_OR_RETURN(std::string password, StringField(body, "password"));
             std::optional<std::string> current;
             if (body.contains("current_password")) {
               MORTAR_ASSIGN_OR_RETURN(current, StringField(body, "current_password"));
             }
             MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
             const std::string name = request.matches[1];
             // The current password is guessed no faster than at login, and the 64 MiB hashes
             // take turns with the logins'.
             const bool checks_current = current && name == caller.user;
             const int64_t wait =
                 checks_current ? throttle.SecondsToWait(name, request.remote_addr) : 0;
             if (wait > 0) {
               return Status::PermissionDenied(
                          "too many wrong passwords for this user or from "
                          "this address: try again in " +
                          std::to_string(wait) + " s")
                   .WithDetail(RetryAfterDetail(wait));
             }
             LoginThrottle::Slot slot(throttle);
             if (!slot.held())
               return Status::Cancelled("too many password checks at once: try again");
             Status changed = ChangePassword(*context, name, password, current);
             if (checks_current && changed.code() == ErrorCode::kPermissionDenied)
               throttle.Failed(name, request.remote_addr);
             if (checks_current && changed.ok()) throttle.Succeeded(name);
             MORTAR_RETURN_IF_ERROR(changed);
             routes.sessions().EndUser(name, name == caller.user ? caller.session_id : "");
             return Json{{"user", name}};
           }));
  http.Delete(kUser, routes.Api([&routes](const httplib::Request& request,
                                          const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
    const std::string name = request.matches[1];
    MORTAR_RETURN_IF_ERROR(RemoveUser(*context, name));
    routes.sessions().EndUser(name, "");
    return Json{{"deleted", name}};
  }));
  http.Get("/api/groups",
           routes.Api([&routes](const httplib::Request&, const Caller& caller) -> Result<Json> {
             MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
             MORTAR_ASSIGN_OR_RETURN(auto groups, context->home().LoadGroups());
             Json list = Json::array();
             for (const auto& group : groups)
               list.push_back({{"name", group.name}, {"description", group.description}});
             return Json{{"groups", list}};
           }));
  http.Post("/api/groups", routes.Api([&routes](const httplib::Request& request,
                                                const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
    MORTAR_RETURN_IF_ERROR(RequireAdmin(*context, "manage groups"));
    config::Group group;
    MORTAR_ASSIGN_OR_RETURN(group.name, StringField(body, "name"));
    MORTAR_ASSIGN_OR_RETURN(group.description, StringField(body, "description", ""));
    MORTAR_RETURN_IF_ERROR(security::AddGroup(context->home(), group));
    return Json{{"group", group.name}};
  }));
  // A project's grants: seen with the read role, changed by its admins.
  http.Get("/api/permissions", routes.Api([&routes](const httplib::Request& request,
                                                    const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
    MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
    MORTAR_ASSIGN_OR_RETURN(auto grants, security::ProjectGrants(context->home(), project->name()));
    return Json{{"project", project->name()}, {"grants", GrantsJson(grants)}};
  }));
  http.Put("/api/permissions", routes.Api([&routes](const httplib::Request& request,
                                                    const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
    MORTAR_ASSIGN_OR_RETURN(security::ProjectGrant grant, GrantOf(body));
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
    MORTAR_RETURN_IF_ERROR(context->RequireProjectRole(security::ProjectRole::kAdmin));
    MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
    MORTAR_RETURN_IF_ERROR(security::SetProjectGrant(context->home(), project->name(), grant));
    MORTAR_ASSIGN_OR_RETURN(auto grants, security::ProjectGrants(context->home(), project->name()));
    return Json{{"project", project->name()}, {"grants", GrantsJson(grants)}};
  }));
}

}  // namespace mortar::server
