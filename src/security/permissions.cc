#include "mortar/security/permissions.h"

#include <algorithm>

#include "mortar/config/home.h"

namespace mortar::security {

namespace {

using config::Json;

constexpr std::string_view kRoleNames[] = {"none", "read", "write", "admin"};
constexpr std::string_view kRightNames[] = {"use", "free_sql"};

std::filesystem::path ProjectFile(const config::Home& home, const std::string& project) {
  return home.ProjectsDir() / project / "project.json";
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

Result<ProjectGrant> GrantFromJson(const config::ConfigObject& entry) {
  MORTAR_RETURN_IF_ERROR(entry.CheckObject({"user", "group", "role"}));
  ProjectGrant grant;
  MORTAR_ASSIGN_OR_RETURN(grant.user, entry.StringOr("user", ""));
  MORTAR_ASSIGN_OR_RETURN(grant.group, entry.StringOr("group", ""));
  if (grant.user.empty() == grant.group.empty())
    return entry.Error("user", "a grant names either a user or a group");
  MORTAR_ASSIGN_OR_RETURN(std::string role,
                          entry.ChoiceOr("role", {"read", "write", "admin"}, "read"));
  MORTAR_ASSIGN_OR_RETURN(grant.role, ParseProjectRole(role));
  return grant;
}

// A refusal for want of a role or right (the data API names it "forbidden").
Status Denied(const std::string& message) {
  return Status::PermissionDenied(message);
}

std::string Principal(const ProjectGrant& grant) {
  return grant.user.empty() ? "group '" + grant.group + "'" : "user '" + grant.user + "'";
}

}  // namespace

std::string_view ProjectRoleName(ProjectRole role) {
  return kRoleNames[static_cast<int>(role)];
}

Result<ProjectRole> ParseProjectRole(std::string_view text) {
  for (int i = 0; i < 4; ++i) {
    if (kRoleNames[i] == text) return static_cast<ProjectRole>(i);
  }
  return Status::Invalid("unknown role '" + std::string(text) +
                         "': a project role is read, write or admin");
}

Json ProjectGrantJson(const ProjectGrant& grant) {
  Json json = grant.user.empty() ? Json{{"group", grant.group}} : Json{{"user", grant.user}};
  json["role"] = std::string(ProjectRoleName(grant.role));
  return json;
}

Result<std::vector<ProjectGrant>> ProjectGrants(const config::Home& home,
                                                const std::string& project) {
  MORTAR_RETURN_IF_ERROR(config::ValidateName("project", project));
  MORTAR_ASSIGN_OR_RETURN(Json json, config::ReadJsonFile(ProjectFile(home, project)));
  config::ConfigObject object(json, ProjectFile(home, project).string());
  MORTAR_ASSIGN_OR_RETURN(auto entries, object.Array("permissions"));
  std::vector<ProjectGrant> grants;
  for (const auto& entry : entries) {
    MORTAR_ASSIGN_OR_RETURN(ProjectGrant grant, GrantFromJson(entry));
    grants.push_back(std::move(grant));
  }
  return grants;
}

Result<ProjectRole> ProjectRoleOf(const config::Home& home, const config::User& user,
                                  const std::string& project) {
  if (user.admin) return ProjectRole::kAdmin;
  MORTAR_ASSIGN_OR_RETURN(auto grants, ProjectGrants(home, project));
  ProjectRole best = ProjectRole::kNone;
  for (const auto& grant : grants) {
    bool covers = grant.user.empty() ? Contains(user.groups, grant.group) : grant.user == user.name;
    if (covers && grant.role > best) best = grant.role;
  }
  return best;
}

Status RequireProjectRole(const config::Home& home, const std::string& user,
                          const std::string& project, ProjectRole role) {
  MORTAR_ASSIGN_OR_RETURN(config::User account, home.FindUser(user));
  MORTAR_ASSIGN_OR_RETURN(ProjectRole held, ProjectRoleOf(home, account, project));
  if (held >= role) return Status::OK();
  std::string what = role == ProjectRole::kRead    ? "see"
                     : role == ProjectRole::kWrite ? "change or build"
                                                   : "manage the permissions of";
  return Denied("user '" + user + "' may not " + what + " project '" + project +
                "': that needs the role " + std::string(ProjectRoleName(role)) +
                (held == ProjectRole::kNone
                     ? ", and they hold none"
                     : ", and they hold " + std::string(ProjectRoleName(held))) +
                "; a project admin can grant it with 'mortar project grant " + project + " user " +
                user + " --role " + std::string(ProjectRoleName(role)) + "'");
}

Status SetProjectGrant(const config::Home& home, const std::string& project,
                       const ProjectGrant& grant) {
  if (grant.user.empty() == grant.group.empty())
    return Status::Invalid("a grant names either a user (--user) or a group (--group)");
  if (!grant.user.empty()) {
    MORTAR_RETURN_IF_ERROR(home.FindUser(grant.user).status());
  } else {
    MORTAR_ASSIGN_OR_RETURN(auto groups, home.LoadGroups());
    bool known = std::any_of(groups.begin(), groups.end(),
                             [&](const config::Group& g) { return g.name == grant.group; });
    if (!known) {
      return Status::NotFound("no group named '" + grant.group +
                              "' (see 'mortar group list'; 'mortar group add' makes one)");
    }
  }
  MORTAR_ASSIGN_OR_RETURN(auto grants, ProjectGrants(home, project));
  auto is_admin = [](const ProjectGrant& g) { return g.role == ProjectRole::kAdmin; };
  bool had_admin = std::any_of(grants.begin(), grants.end(), is_admin);
  std::erase_if(grants, [&](const ProjectGrant& g) {
    return g.user == grant.user && g.group == grant.group;
  });
  if (grant.role != ProjectRole::kNone) grants.push_back(grant);
  if (had_admin && !std::any_of(grants.begin(), grants.end(), is_admin)) {
    return Status::Conflict("this would leave project '" + project + "' without an admin: grant " +
                            "the role admin to someone else first (" + Principal(grant) +
                            " holds the last admin grant)");
  }
  MORTAR_ASSIGN_OR_RETURN(Json json, config::ReadJsonFile(ProjectFile(home, project)));
  Json list = Json::array();
  for (const auto& g : grants) list.push_back(ProjectGrantJson(g));
  json["permissions"] = std::move(list);
  return config::WriteJsonFile(ProjectFile(home, project), json);
}

Status ForgetUserGrants(const config::Home& home, const std::string& user) {
  MORTAR_ASSIGN_OR_RETURN(auto projects, home.ListProjects());
  std::vector<std::string> held;
  for (const auto& project : projects) {
    MORTAR_ASSIGN_OR_RETURN(auto grants, ProjectGrants(home, project));
    int admins = 0;
    bool theirs = false, their_admin = false;
    for (const auto& grant : grants) {
      admins += grant.role == ProjectRole::kAdmin;
      if (grant.user == user) {
        theirs = true;
        their_admin = grant.role == ProjectRole::kAdmin;
      }
    }
    if (their_admin && admins == 1) {
      return Status::Conflict("user '" + user + "' is the last admin of project '" + project +
                              "': grant admin on it to someone else first");
    }
    if (theirs) held.push_back(project);
  }
  for (const auto& project : held) {
    MORTAR_RETURN_IF_ERROR(SetProjectGrant(home, project, {user, "", ProjectRole::kNone}));
  }
  return Status::OK();
}

std::string_view ConnectionRightName(ConnectionRight right) {
  return kRightNames[static_cast<int>(right)];
}

Result<ConnectionRight> ParseConnectionRight(std::string_view text) {
  if (text == "use") return ConnectionRight::kUse;
  if (text == "free_sql" || text == "free-sql") return ConnectionRight::kFreeSql;
  return Status::Invalid("unknown connection right '" + std::string(text) +
                         "': it is use or free_sql");
}

Status ValidateAccessRule(const config::ConfigObject& rule) {
  MORTAR_RETURN_IF_ERROR(rule.CheckObject({"mode", "groups"}));
  MORTAR_ASSIGN_OR_RETURN(std::string mode,
                          rule.ChoiceOr("mode", {"nobody", "analysts", "groups"}, "nobody"));
  MORTAR_ASSIGN_OR_RETURN(auto groups, rule.StringsOr("groups", {}));
  if (mode == "groups" && groups.empty()) {
    return rule.Error("groups", "mode 'groups' needs at least one group");
  }
  return Status::OK();
}

Result<bool> RuleCovers(const config::ConfigObject& rule, const config::User& user) {
  if (user.admin) return true;
  MORTAR_RETURN_IF_ERROR(ValidateAccessRule(rule));
  MORTAR_ASSIGN_OR_RETURN(std::string mode, rule.StringOr("mode", "nobody"));
  if (mode == "analysts") return true;
  if (mode != "groups") return false;
  MORTAR_ASSIGN_OR_RETURN(auto groups, rule.StringsOr("groups", {}));
  return std::any_of(user.groups.begin(), user.groups.end(),
                     [&](const std::string& group) { return Contains(groups, group); });
}

Result<bool> HasConnectionRight(const config::User& user,
                                const config::ConnectionConfig& connection, ConnectionRight right) {
  if (user.admin) return true;
  std::string key(ConnectionRightName(right));
  static const Json kNone = Json::object();
  config::ConfigObject permissions(
      connection.permissions.is_object() ? connection.permissions : kNone, connection.file,
      "permissions");
  MORTAR_ASSIGN_OR_RETURN(auto rule, permissions.ObjectOr(key));
  MORTAR_ASSIGN_OR_RETURN(bool covered, RuleCovers(rule, user));
  // free_sql is use and more: it never works without use.
  if (covered && right == ConnectionRight::kFreeSql)
    return HasConnectionRight(user, connection, ConnectionRight::kUse);
  return covered;
}

Status RequireConnectionRight(const config::Home& home, const std::string& user,
                              const config::ConnectionConfig& connection, ConnectionRight right) {
  MORTAR_ASSIGN_OR_RETURN(config::User account, home.FindUser(user));
  MORTAR_ASSIGN_OR_RETURN(bool allowed, HasConnectionRight(account, connection, right));
  if (allowed) return Status::OK();
  std::string what = right == ConnectionRight::kUse ? "use" : "run free SQL on";
  return Denied("user '" + user + "' may not " + what + " connection '" + connection.name +
                "': an admin can allow it with 'mortar connection grant " + connection.name + " " +
                std::string(ConnectionRightName(right)) + " --group GROUP' (or --everyone)");
}

Status SetConnectionGrant(config::ConnectionConfig& connection, ConnectionRight right,
                          const std::string& group, bool grant) {
  auto update = [&](ConnectionRight which) -> Status {
    std::string key(ConnectionRightName(which));
    if (!connection.permissions.is_object()) connection.permissions = Json::object();
    Json rule = connection.permissions.value(key, Json::object());
    config::ConfigObject object(rule, connection.file, "permissions." + key);
    MORTAR_RETURN_IF_ERROR(ValidateAccessRule(object));
    std::string mode = rule.value("mode", "nobody");
    std::vector<std::string> groups = rule.value("groups", std::vector<std::string>{});
    if (group.empty()) {
      mode = grant ? "analysts" : (groups.empty() ? "nobody" : "groups");
    } else if (grant) {
      if (!Contains(groups, group)) groups.push_back(group);
      if (mode == "nobody") mode = "groups";
    } else {
      std::erase(groups, group);
      if (mode == "groups" && groups.empty()) mode = "nobody";
    }
    rule = Json{{"mode", mode}};
    if (!groups.empty()) rule["groups"] = groups;
    connection.permissions[key] = std::move(rule);
    return Status::OK();
  };
  MORTAR_RETURN_IF_ERROR(update(right));
  if (grant && right == ConnectionRight::kFreeSql) return update(ConnectionRight::kUse);
  if (!grant && right == ConnectionRight::kUse) return update(ConnectionRight::kFreeSql);
  return Status::OK();
}

}  // namespace mortar::security
