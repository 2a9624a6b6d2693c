// mortar project: list, create, permissions, grant, revoke.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/invocation.h"
#include "cli/table_printer.h"
#include "mortar/config/home.h"
#include "mortar/flow/context.h"
#include "mortar/security/permissions.h"

namespace mortar::cli {

using Json = nlohmann::json;

Status ProjectVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action,
                          Word(in, 1, "action (list, create, permissions, grant, revoke)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  const config::Home& home = in.context->home();
  MORTAR_ASSIGN_OR_RETURN(config::User user, home.FindUser(in.context->user()));
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(auto names, home.ListProjects());
    // Only the projects the acting user may see, with their role.
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& name : names) {
      MORTAR_ASSIGN_OR_RETURN(security::ProjectRole role,
                              security::ProjectRoleOf(home, user, name));
      if (role == security::ProjectRole::kNone) continue;
      list.push_back({{"name", name}, {"role", security::ProjectRoleName(role)}});
      rows.push_back({name, std::string(security::ProjectRoleName(role))});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"NAME", "YOUR ROLE"}, rows);
    }
    return Status::OK();
  }
  if (action == "create") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"description"}));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "project name"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    auto existing = home.ListProjects();
    if (existing.ok() && std::find(existing->begin(), existing->end(), name) != existing->end())
      return Status::Conflict("a project named '" + name + "' exists");
    MORTAR_RETURN_IF_ERROR(
        home.CreateProject(name, in.args.Option("description").value_or("")).status());
    // A new project belongs to its creator.
    MORTAR_RETURN_IF_ERROR(security::SetProjectGrant(
        home, name, security::ProjectGrant{user.name, "", security::ProjectRole::kAdmin}));
    if (!in.json) in.out << "Created project " << name << " (you are its admin)\n";
    return Status::OK();
  }
  MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "project name"));
  MORTAR_RETURN_IF_ERROR(home.OpenProject(name).status());
  if (action == "permissions") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    MORTAR_RETURN_IF_ERROR(
        security::RequireProjectRole(home, user.name, name, security::ProjectRole::kRead));
    MORTAR_ASSIGN_OR_RETURN(auto grants, security::ProjectGrants(home, name));
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& grant : grants) {
      std::string role(security::ProjectRoleName(grant.role));
      list.push_back(security::ProjectGrantJson(grant));
      rows.push_back({grant.user.empty() ? "group" : "user",
                      grant.user.empty() ? grant.group : grant.user, role});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"KIND", "NAME", "ROLE"}, rows);
    }
    return Status::OK();
  }
  if (action == "grant" || action == "revoke") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"role"}));
    MORTAR_ASSIGN_OR_RETURN(std::string kind, Word(in, 3, "'user' or 'group'"));
    MORTAR_ASSIGN_OR_RETURN(std::string who_name, Word(in, 4, kind + " name"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 5));
    if (kind != "user" && kind != "group")
      return Status::Invalid("project " + action +
                             " NAME user|group WHO: expected 'user' or "
                             "'group', not '" +
                             kind + "'");
    MORTAR_RETURN_IF_ERROR(
        security::RequireProjectRole(home, user.name, name, security::ProjectRole::kAdmin));
    security::ProjectGrant grant{kind == "user" ? who_name : "", kind == "group" ? who_name : "",
                                 security::ProjectRole::kNone};
    if (action == "grant") {
      auto role = in.args.Option("role");
      if (!role) return Status::Invalid("project grant needs --role read, write or admin");
      MORTAR_ASSIGN_OR_RETURN(grant.role, security::ParseProjectRole(*role));
      if (grant.role == security::ProjectRole::kNone)
        return Status::Invalid("--role is read, write or admin; to take a role away use revoke");
    } else if (in.args.Option("role")) {
      return Status::Invalid("project revoke takes no --role: it removes the grant");
    }
    MORTAR_RETURN_IF_ERROR(security::SetProjectGrant(home, name, grant));
    std::string who = grant.user.empty() ? "group " + grant.group : "user " + grant.user;
    if (!in.json) {
      in.out << (action == "grant"
                     ? "Granted " + std::string(security::ProjectRoleName(grant.role)) +
                           " on project " + name + " to " + who
                     : "Revoked " + who + "'s grant on project " + name)
             << "\n";
    }
    return Status::OK();
  }
  return Status::Invalid("unknown action 'project " + action + "' (see 'mortar project --help')");
}

}  // namespace mortar::cli
