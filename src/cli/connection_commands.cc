// mortar connection: list, show, test, browse, add, set, delete, grant, revoke.
#include <cctype>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/invocation.h"
#include "cli/table_printer.h"
#include "connectors/databricks/connection_string.h"
#include "mortar/config/home.h"
#include "mortar/connectors/browse.h"
#include "mortar/flow/connection_admin.h"
#include "mortar/flow/context.h"
#include "mortar/security/permissions.h"
#include "mortar/security/vault.h"

namespace mortar::cli {

using Json = nlohmann::json;

// What the user may do with a connection: {"use": bool, "free_sql": bool}.
namespace {

Result<Json> ConnectionRightsJson(const config::User& user,
                                  const config::ConnectionConfig& connection) {
  MORTAR_ASSIGN_OR_RETURN(
      bool use, security::HasConnectionRight(user, connection, security::ConnectionRight::kUse));
  MORTAR_ASSIGN_OR_RETURN(
      bool free_sql,
      security::HasConnectionRight(user, connection, security::ConnectionRight::kFreeSql));
  return Json{{"use", use}, {"free_sql", free_sql}};
}

// Removes one --unset KEY (dotted for a nested field); an error when it is not set, so
// a mistyped key is not taken for done.
Status UnsetParam(Json& params, const std::string& key) {
  Json* target = &params;
  std::size_t start = 0;
  for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
    auto child = target->find(key.substr(start, dot - start));
    if (child == target->end() || !child->is_object()) target = nullptr;
    if (target == nullptr) break;
    target = &*child;
    start = dot + 1;
  }
  if (target == nullptr || !target->is_object() || target->erase(key.substr(start)) == 0)
    return Status::Invalid("--unset " + key + ": the connection has no such param");
  return Status::OK();
}

}  // namespace

Status ConnectionVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(
      std::string action,
      Word(in, 1, "action (list, show, test, tables, columns, add, set, delete)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  const config::Home& home = in.context->home();
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 2));
    MORTAR_ASSIGN_OR_RETURN(auto names, home.ListConnections());
    MORTAR_ASSIGN_OR_RETURN(config::User user, home.FindUser(in.context->user()));
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& name : names) {
      MORTAR_ASSIGN_OR_RETURN(config::ConnectionConfig config, home.LoadConnection(name));
      MORTAR_ASSIGN_OR_RETURN(Json may, ConnectionRightsJson(user, config));
      list.push_back({{"name", name},
                      {"type", config.type},
                      {"description", config.description},
                      {"may", may}});
      std::string rights = may["free_sql"] ? "use, free SQL" : may["use"] ? "use" : "";
      rows.push_back({name, config.type, rights, config.description});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"NAME", "TYPE", "YOU MAY", "DESCRIPTION"}, rows);
    }
    return Status::OK();
  }
  if (action == "show" || action == "test" || action == "delete") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "connection name"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    if (action == "delete") {
      MORTAR_RETURN_IF_ERROR(DeleteConnection(*in.context, name));
      if (!in.json) in.out << "Deleted connection " << name << "\n";
      return Status::OK();
    }
    MORTAR_ASSIGN_OR_RETURN(config::ConnectionConfig config, home.LoadConnection(name));
    if (action == "show") {
      MORTAR_RETURN_IF_ERROR(
          in.context->RequireConnectionRight(name, security::ConnectionRight::kUse));
      MORTAR_RETURN_IF_ERROR(in.context->MakeConnection(config).status());
      if (in.json) {
        PrintJson(in.out, config.ToJson());
      } else {
        in.out << "name: " << config.name << "\ntype: " << config.type << "\n";
        if (!config.description.empty()) in.out << "description: " << config.description << "\n";
        for (const auto& [key, value] : config.params.items()) {
          in.out << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump())
                 << "\n";
        }
      }
      return Status::OK();
    }
    MORTAR_ASSIGN_OR_RETURN(Connection * connection, in.context->GetConnection(name));
    MORTAR_ASSIGN_OR_RETURN(TestReport report, connection->Test());
    if (in.json) {
      Json json = {{"connection", name}, {"ok", true}};
      for (const auto& [key, value] : report) json[key] = value;
      PrintJson(in.out, json);
    } else {
      in.out << "Connection " << name << " works.\n";
      for (const auto& [key, value] : report) in.out << "  " << key << ": " << value << "\n";
    }
    return Status::OK();
  }
  if (action == "files") {
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "connection name"));
    std::string path = in.args.words().size() > 3 ? in.args.words()[3] : "";
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, path.empty() ? 3 : 4));
    MORTAR_ASSIGN_OR_RETURN(Connection * connection, in.context->GetConnection(name));
    MORTAR_ASSIGN_OR_RETURN(Json listing, BrowseFolder(*connection, path));
    if (in.json) {
      PrintJson(in.out, listing);
      return Status::OK();
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& folder : listing["folders"])
      rows.push_back({folder.get<std::string>() + "/", ""});
    for (const auto& file : listing["files"])
      rows.push_back(
          {file["path"].get<std::string>(), std::to_string(file["size"].get<int64_t>())});
    PrintTable(in.out, {"PATH", "BYTES"}, rows);
    if (listing["truncated"].get<bool>())
      in.out << "(more than " << kMaxFolderEntries << " entries: only the first are shown)\n";
    return Status::OK();
  }
  if (action == "catalogs" || action == "schemas" || action == "tables" || action == "columns") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"catalog", "schema"}));
    MORTAR_ASSIGN_OR_RETURN(BrowseLevel level, ParseBrowseLevel(action));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "connection name"));
    sql::TableName where{in.args.Option("catalog").value_or(""),
                         in.args.Option("schema").value_or(""), ""};
    if (level == BrowseLevel::kColumns) {
      MORTAR_ASSIGN_OR_RETURN(where.table, Word(in, 3, "table name"));
      MORTAR_RETURN_IF_ERROR(ExpectWords(in, 4));
    } else {
      MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    }
    MORTAR_ASSIGN_OR_RETURN(Connection * connection, in.context->GetConnection(name));
    SqlConnection* sql = connection->AsSql();
    if (sql == nullptr) {
      return Status::Invalid("connection '" + name + "' has no " + action + ": it is of type " +
                             connection->type());
    }
    MORTAR_ASSIGN_OR_RETURN(Json list, Browse(*sql, level, where));
    if (in.json) {
      PrintJson(in.out, list);
      return Status::OK();
    }
    // The same JSON as a table: one column per key, in the order of the first row.
    std::vector<std::string> keys;
    switch (level) {
      case BrowseLevel::kCatalogs:
        keys = {"catalog"};
        break;
      case BrowseLevel::kSchemas:
        keys = {"catalog", "schema"};
        break;
      case BrowseLevel::kTables:
        keys = {"catalog", "schema", "table"};
        break;
      case BrowseLevel::kColumns:
        keys = {"name", "type"};
        break;
    }
    std::vector<std::string> header;
    for (const auto& key : keys) {
      std::string upper = key == "name" ? "column" : key;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      header.push_back(upper);
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& item : list) {
      std::vector<std::string> row;
      for (const auto& key : keys) {
        const Json& value = item.value(key, Json());
        row.push_back(value.is_string() ? value.get<std::string>()
                      : value.is_null() ? ""
                                        : value.dump());
      }
      rows.push_back(std::move(row));
    }
    PrintTable(in.out, header, rows);
    return Status::OK();
  }
  if (action == "add") {
    MORTAR_RETURN_IF_ERROR(
        in.args.CheckOptions({"type", "param", "description", "replace", "jdbc-url"}));
    MORTAR_RETURN_IF_ERROR(RequireAdmin(in, "add connections"));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "connection name"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    auto type = in.args.Option("type");
    if (!type) return Status::Invalid("connection add needs --type (one of the connection types)");
    config::ConnectionConfig config;
    config.name = name;
    config.type = *type;
    config.description = in.args.Option("description").value_or("");
    config.file = "connection '" + name + "'";
    if (auto jdbc = in.args.Option("jdbc-url")) {
      if (*type != "databricks")
        return Status::Invalid("--jdbc-url is for connections of type databricks");
      MORTAR_ASSIGN_OR_RETURN(config.params, databricks::ParamsFromJdbcUrl(*jdbc));
    }
    for (const auto& param : in.args.Options("param"))
      MORTAR_RETURN_IF_ERROR(SetParam(config.params, param));
    Status added = AddConnection(*in.context, config, in.args.Flag("replace"));
    if (added.code() == ErrorCode::kConflict) {
      return Status::Conflict("a connection named '" + name +
                              "' exists; pass --replace to overwrite it");
    }
    MORTAR_RETURN_IF_ERROR(added);
    if (!in.json) in.out << "Added connection " << name << " (" << *type << ")\n";
    return Status::OK();
  }
  if (action == "set") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"param", "unset", "description"}));
    MORTAR_RETURN_IF_ERROR(RequireAdmin(in, "change connections"));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "connection name"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    auto params = in.args.Options("param");
    auto unset = in.args.Options("unset");
    auto description = in.args.Option("description");
    if (params.empty() && unset.empty() && !description) {
      return Status::Invalid(
          "connection set needs --param KEY=VALUE, --unset KEY or --description TEXT "
          "(secrets go in the vault: 'mortar connection set-secret " +
          name + " FIELD')");
    }
    MORTAR_ASSIGN_OR_RETURN(config::ConnectionConfig config, home.LoadConnection(name));
    for (const auto& key : unset) MORTAR_RETURN_IF_ERROR(UnsetParam(config.params, key));
    for (const auto& param : params) MORTAR_RETURN_IF_ERROR(SetParam(config.params, param));
    if (description) config.description = *description;
    MORTAR_RETURN_IF_ERROR(SaveChangedConnection(*in.context, config));
    if (in.json) {
      PrintJson(in.out, Json{{"connection", name}, {"params", config.params}});
    } else {
      in.out << "Changed connection " << name << "\n";
    }
    return Status::OK();
  }
  if (action == "set-secret" || action == "authorize") return ConnectionSecretAction(in, action);
  if (action == "grant" || action == "revoke") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"group", "everyone"}));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "connection name"));
    MORTAR_ASSIGN_OR_RETURN(std::string right_text, Word(in, 3, "right (use or free_sql)"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 4));
    MORTAR_ASSIGN_OR_RETURN(security::ConnectionRight right,
                            security::ParseConnectionRight(right_text));
    std::string group = in.args.Option("group").value_or("");
    if (group.empty() == !in.args.Flag("everyone"))
      return Status::Invalid("connection " + action + " needs --group GROUP or --everyone");
    MORTAR_ASSIGN_OR_RETURN(
        config::ConnectionConfig config,
        ChangeConnectionGrant(*in.context, name, right, group, action == "grant"));
    std::string who = group.empty() ? "every user" : "group " + group;
    if (in.json) {
      PrintJson(in.out, Json{{"connection", name}, {"permissions", config.permissions}});
    } else {
      in.out << (action == "grant" ? "Granted " : "Revoked ") << right_text << " on connection "
             << name << (action == "grant" ? " to " : " from ") << who << "\n";
    }
    return Status::OK();
  }
  return Status::Invalid("unknown action 'connection " + action +
                         "' (see 'mortar connection --help')");
}

}  // namespace mortar::cli
