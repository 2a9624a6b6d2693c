// Who may do what with a project or a connection.
//
// Projects: each holds grants of a role to users and groups in its project.json
// ("permissions": [{"user"|"group": NAME, "role": "read"|"write"|"admin"}]). read: see
// datasets, previews and charts; write: also build, run recipes and write datasets;
// admin: also grant and revoke. A new project's creator is its admin.
//
// Connections: rules in the connection's file ("permissions": {"use": RULE,
// "free_sql": RULE}), each {"mode": "nobody" | "analysts" | "groups", "groups": [...]}
// ("analysts" is every Mortar user). use: read and write datasets on it, run SQL
// recipes, browse and test it; free_sql: also run any SQL (the SQL box, `mortar sql`,
// the data API's query route). Absent rules mean nobody, so a new connection is usable
// by admins until granted. "details readable by" (accounts.h) stays a parameter.
//
// Mortar admins may do everything: they hold the data directory's key anyway.
// Files are replaced atomically; thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mortar/config/document.h"
#include "mortar/config/model.h"

namespace mortar::config {
class Home;
}

namespace mortar::security {

enum class ProjectRole { kNone = 0, kRead = 1, kWrite = 2, kAdmin = 3 };

std::string_view ProjectRoleName(ProjectRole role);
Result<ProjectRole> ParseProjectRole(std::string_view text);

// One grant: to a user or (exclusively) to a group.
struct ProjectGrant {
  std::string user;
  std::string group;
  ProjectRole role = ProjectRole::kNone;
};

// {"user"|"group": NAME, "role": "read"|"write"|"admin"}, as project.json keeps it and
// the CLI and the REST API show it.
config::Json ProjectGrantJson(const ProjectGrant& grant);

Result<std::vector<ProjectGrant>> ProjectGrants(const config::Home& home,
                                                const std::string& project);
// The highest role the user holds on the project, directly or through a group.
Result<ProjectRole> ProjectRoleOf(const config::Home& home, const config::User& user,
                                  const std::string& project);
// OK when the user holds at least `role`; an Auth error saying what is missing and who
// can grant it otherwise.
Status RequireProjectRole(const config::Home& home, const std::string& user,
                          const std::string& project, ProjectRole role);
// Sets the principal's role (replacing any it had), or removes it with kNone. The last
// admin grant of a project cannot be removed: grant admin to someone else first.
Status SetProjectGrant(const config::Home& home, const std::string& project,
                       const ProjectGrant& grant);

// Removes a user's own grants from every project, so that a later user of the same name
// inherits none. Refused, changing nothing, when the user holds a project's last admin
// grant.
Status ForgetUserGrants(const config::Home& home, const std::string& user);

enum class ConnectionRight { kUse, kFreeSql };

std::string_view ConnectionRightName(ConnectionRight right);
Result<ConnectionRight> ParseConnectionRight(std::string_view text);

// A rule's shape: {"mode": "nobody" | "analysts" | "groups", "groups": [...]}.
Status ValidateAccessRule(const config::ConfigObject& rule);
// Whether a valid rule covers the user (admins are always covered).
Result<bool> RuleCovers(const config::ConfigObject& rule, const config::User& user);

Result<bool> HasConnectionRight(const config::User& user,
                                const config::ConnectionConfig& connection, ConnectionRight right);
Status RequireConnectionRight(const config::Home& home, const std::string& user,
                              const config::ConnectionConfig& connection, ConnectionRight right);
// Adds (or with `grant` false removes) a group, or every user when `group` is empty, to
// the right's rule. free_sql implies use: granting it grants use too, revoking use
// revokes free_sql.
Status SetConnectionGrant(config::ConnectionConfig& connection, ConnectionRight right,
                          const std::string& group, bool grant);

}  // namespace mortar::security
