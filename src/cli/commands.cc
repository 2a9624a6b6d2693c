#include "cli/commands.h"

#include <arrow/api.h>

#include <cctype>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/invocation.h"
#include "cli/table_printer.h"
#include "connectors/databricks/connection_string.h"
#include "mortar/builtin/builtin_registry.h"
#include "mortar/charts/chart.h"
#include "mortar/config/home.h"
#include "mortar/connectors/browse.h"
#include "mortar/flow/context.h"
#include "mortar/flow/flow.h"
#include "mortar/security/permissions.h"
#include "mortar/security/vault.h"

namespace mortar::cli {

Result<std::string> Word(const Invocation& in, std::size_t index, const std::string& what) {
  if (in.args.words().size() <= index) {
    return Status::Invalid("missing " + what + " (see 'mortar " + in.args.words()[0] + " --help')");
  }
  return in.args.words()[index];
}

Status ExpectWords(const Invocation& in, std::size_t count) {
  if (in.args.words().size() > count) {
    return Status::Invalid("unexpected argument '" + in.args.words()[count] + "' (see 'mortar " +
                           in.args.words()[0] + " --help')");
  }
  return Status::OK();
}

Status OpenContext(Invocation& in) {
  std::filesystem::path root = in.args.Option("home")
                                   ? std::filesystem::path(*in.args.Option("home"))
                                   : config::Home::DefaultRoot();
  MORTAR_ASSIGN_OR_RETURN(config::Home home, config::Home::Open(root));
  std::string user = in.args.Option("user").value_or("");
  if (user.empty()) {
    const char* env = std::getenv("MORTAR_USER");
    user = env != nullptr && *env != '\0' ? env : "admin";
  }
  MORTAR_RETURN_IF_ERROR(home.FindUser(user).status());
  in.context = std::make_unique<Context>(std::move(home), BuiltinRegistry(), user);
  std::optional<std::string> project = in.args.Option("project");
  if (!project) {
    const char* env = std::getenv("MORTAR_PROJECT");
    if (env != nullptr && *env != '\0') project = env;
  }
  return in.context->SelectProject(project);
}

void PrintJson(std::ostream& out, const nlohmann::json& value) {
  out << value.dump(2) << "\n";
}

namespace {

using Json = nlohmann::json;

// What the user may do with a connection: {"use": bool, "free_sql": bool}.
Result<Json> ConnectionRightsJson(const config::User& user,
                                  const config::ConnectionConfig& connection) {
  MORTAR_ASSIGN_OR_RETURN(
      bool use, security::HasConnectionRight(user, connection, security::ConnectionRight::kUse));
  MORTAR_ASSIGN_OR_RETURN(
      bool free_sql,
      security::HasConnectionRight(user, connection, security::ConnectionRight::kFreeSql));
  return Json{{"use", use}, {"free_sql", free_sql}};
}

constexpr const char* kGlobalHelp = R"(Mortar: a data-flow studio for files, SQLite and Databricks.

Usage: mortar [--home DIR] [--user NAME] [--project NAME] [--json] VERB ...

Verbs:
  init                       create the data directory (MORTAR_HOME, default ./mortar-data)
  quickstart                 create the sample project on the embedded default and build it
  connection list|show|test|add|delete|set-secret|authorize|grant|revoke
  project list|create|permissions|grant|revoke
  dataset list|show|preview|detect|import|export
  recipe list|show|run
  chart list|render          charts computed by the database (the live engine), as SVG
  build DATASET...           build datasets and what they depend on
  sql CONNECTION "QUERY"     run a query on a connection and print the rows
  user list|add|passwd|delete      Mortar's users (admin)
  group list|add                   Mortar's groups (admin)
  credentials list|set|delete      the acting user's own credentials for connections
  api-key list|create|revoke       the acting user's API keys for scripts
  secrets rotate-key|list          the vault of secrets (admin)
  serve                            the REST API, the web page and the OAuth callback
  version

Global options:
  --home DIR       the data directory (default: $MORTAR_HOME, else ./mortar-data)
  --user NAME      act as this user (default: $MORTAR_USER, else admin), with their
                   permissions on projects and connections (docs/authentication.md)
  --project NAME   the project (default: $MORTAR_PROJECT, else the only one)
  --json           machine-readable output
  --help           help on any verb: mortar dataset --help

Exit codes: 0 ok, 2 invalid input, 3 not found, 4 authentication, 5 conflict,
6 remote failure, 70 internal error, 130 interrupted.
)";

const std::map<std::string, std::string>& VerbHelp() {
  static const std::map<std::string, std::string> kHelp = {
      {"init",
       "Usage: mortar init\n\nCreates the data directory with the embedded default connections\n"
       "(filesystem_default, sqlite_default), the admin user and the secret key.\n"
       "Harmless when the directory exists.\n"},
      {"quickstart",
       "Usage: mortar quickstart [--rows N] [--force]\n\nCreates the project 'quickstart' on the "
       "embedded default:\n"
       "generated orders and customers as CSV files, synced into SQLite, grouped\n"
       "in-database, joined back to customers by a SQL recipe, and exported to CSV.\n"
       "Builds the flow and prints where the outputs are. --rows sets the number of\n"
       "orders (default 5000); --force rebuilds everything.\n"},
      {"connection",
       "Usage:\n"
       "  mortar connection list\n"
       "  mortar connection show NAME\n"
       "  mortar connection test NAME\n"
       "  mortar connection catalogs NAME\n"
       "  mortar connection schemas NAME [--catalog C]\n"
       "  mortar connection tables NAME [--catalog C] [--schema S]\n"
       "  mortar connection columns NAME TABLE [--catalog C] [--schema S]\n"
       "  mortar connection add NAME --type TYPE [--param KEY=VALUE ...] [--description TEXT]\n"
       "  mortar connection add NAME --type databricks --jdbc-url URL --param auth.token_env=VAR\n"
       "  mortar connection delete NAME\n"
       "  mortar connection grant|revoke NAME use|free_sql (--group G | --everyone)\n"
       "                                            who may use it (datasets, SQL recipes,\n"
       "                                            browsing) and run free SQL on it (admin)\n"
       "  mortar connection set-secret NAME FIELD   store a secret (token, client_secret,\n"
       "                                            secret_access_key, session_token,\n"
       "                                            account_key, sas_token, connect_token)\n"
       "                                            in the vault;\n"
       "                                            it is read from standard input\n"
       "  mortar connection authorize NAME          print the URL that starts the acting user's\n"
       "                                            OAuth grant (finished at 'mortar serve')\n"
       "\n"
       "Types and their params:\n"
       "  filesystem  root (a folder)\n"
       "  sqlite      path (a database file)\n"
       "  databricks  host, port (443), http_path (/sql/1.0/warehouses/<id>), catalog, schema,\n"
       "              ca_file, query_timeout_seconds, details_readable_by.mode (nobody,\n"
       "              analysts or groups) and details_readable_by.groups,\n"
       "              auth.type: pat, oauth_user, oauth_m2m, profile or environment;\n"
       "              auth.credentials: global or per_user (pat);\n"
       "              pat: the token in the vault (set-secret NAME token), or auth.token_env /\n"
       "                auth.token_file; per_user: each user runs 'mortar credentials set';\n"
       "              oauth_user / oauth_m2m: auth.client_id, the secret in the vault\n"
       "                (set-secret NAME client_secret) or auth.client_secret_env,\n"
       "                auth.authorization_endpoint and auth.token_endpoint (discovered from\n"
       "                the workspace when left out), auth.scope;\n"
       "              profile: auth.profile of ~/.databrickscfg; environment: DATABRICKS_HOST,\n"
       "                DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET\n"
       "Values that read as JSON (numbers, true, false) keep their kind; a dotted key sets a\n"
       "field of a nested object. Relative paths are inside the data directory.\n"},
      {"project",
       "Usage:\n  mortar project list                 the projects you may see, with your role\n"
       "  mortar project create NAME [--description TEXT]   you become its admin\n"
       "  mortar project permissions NAME\n"
       "  mortar project grant NAME user|group WHO --role read|write|admin\n"
       "  mortar project revoke NAME user|group WHO\n\n"
       "read: see datasets, previews and charts; write: also build, run recipes and write\n"
       "datasets; admin: also grant and revoke (see docs/authentication.md).\n"},
      {"dataset",
       "Usage:\n  mortar dataset list\n  mortar dataset show NAME\n  mortar dataset preview NAME "
       "[--limit N]\n"
       "  mortar dataset detect NAME            detect the schema from the data and save it\n"
       "  mortar dataset scan NAME              read every row and report the count and time\n"
       "  mortar dataset import CONNECTION SOURCE [--name NAME] [--format csv|parquet]\n"
       "        SOURCE is a path on a file connection, or a table on a SQL connection\n"
       "  mortar dataset export NAME FILE       write all rows to a local .csv, .csv.gz or "
       ".parquet file\n"},
      {"chart",
       "Usage:\n  mortar chart list\n  mortar chart render NAME [--out FILE.svg|FILE.png [--scale "
       "N]]\n\n"
       "Charts are defined in projects/<project>/charts/NAME.json (see docs/charts.md).\n"
       "chart render runs the chart's one aggregation query in the dataset's database\n"
       "(or, for files, on the first rows locally) and prints or writes the picture (SVG,\n"
       "or PNG when FILE ends in .png; --scale 2 doubles its pixels); with --json it\n"
       "prints the engine, the SQL and the rows instead.\n"},
      {"recipe",
       "Usage:\n  mortar recipe list\n  mortar recipe show NAME [--sql]\n  mortar recipe run "
       "NAME\n\n"
       "recipe show --sql prints the SQL an in-database engine would run.\n"
       "recipe run runs the recipe now, whether or not it is out of date.\n"},
      {"build",
       "Usage: mortar build DATASET... [--force]\n\nRuns the recipes the datasets depend on that "
       "are out of date\n"
       "(their definition or inputs changed, or their outputs are missing), upstream\n"
       "first. --force runs them all. Each build writes a job log under jobs/.\n"},
      {"sql",
       "Usage: mortar sql CONNECTION \"QUERY\" [--limit N]\n\nRuns the query and prints up to N "
       "rows (default 100).\n"},
      {"version", "Usage: mortar version\n"},
      {"user",
       "Usage:\n  mortar user list\n  mortar user add NAME [--admin] [--group G ...] "
       "[--display-name "
       "TEXT]\n  mortar user passwd NAME\n  mortar user delete NAME\n\n"
       "Passwords are read from standard input (never from the command line) and stored\n"
       "as Argon2id hashes. The CLI is the admin's tool: it works on the data directory.\n"},
      {"group", "Usage:\n  mortar group list\n  mortar group add NAME [--description TEXT]\n"},
      {"credentials",
       "Usage:\n  mortar credentials list\n  mortar credentials set CONNECTION\n"
       "  mortar credentials delete CONNECTION\n\n"
       "The acting user's (--user) own credentials for per-user connections: 'set' reads a\n"
       "personal access token from standard input; 'list' shows what is provided and when\n"
       "each OAuth authorization was obtained. OAuth per-user grants start with\n"
       "'mortar connection authorize' or the web page's Authorize button.\n"},
      {"api-key",
       "Usage:\n  mortar api-key list\n  mortar api-key create [--label TEXT]\n"
       "  mortar api-key revoke ID\n\nKeys of the acting user for the REST API and the Python "
       "API; a new key is shown once.\n"},
      {"secrets",
       "Usage:\n  mortar secrets list\n  mortar secrets rotate-key\n\n"
       "The vault (security/vault.json) holds every secret encrypted under secret.key.\n"
       "rotate-key makes a new key and re-encrypts every secret; list shows slots, never "
       "values.\n"},
      {"serve",
       "Usage: mortar serve [--listen HOST:PORT] [--base-url URL] [--threads N] [--save]\n\n"
       "Serves the REST API, the web page and the OAuth callback (default\n"
       "127.0.0.1:8484). The OAuth redirect URI is <base URL>/api/oauth2-callback; register\n"
       "it exactly so. --save records --listen and --base-url in mortar.json, for later\n"
       "runs and for 'mortar connection authorize'. Stops on Ctrl-C or SIGTERM.\n"},
  };
  return kHelp;
}

// ---- init ----

Status Init(Invocation& in) {
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 1));
  std::filesystem::path root = in.args.Option("home")
                                   ? std::filesystem::path(*in.args.Option("home"))
                                   : config::Home::DefaultRoot();
  MORTAR_ASSIGN_OR_RETURN(config::Home home, config::Home::Init(root));
  if (in.json) {
    PrintJson(in.out, Json{{"home", home.root().string()}});
  } else {
    in.out << "Mortar data directory ready at " << home.root().string() << "\n";
  }
  return Status::OK();
}

// ---- connection ----

Status ConnectionVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action,
                          Word(in, 1, "action (list, show, test, tables, columns, add, delete)"));
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
      MORTAR_RETURN_IF_ERROR(RequireAdmin(in, "delete connections"));
      // Its secrets go first: a new connection of the same name must not inherit them,
      // and if they cannot be removed the connection is still there to retry.
      MORTAR_RETURN_IF_ERROR(home.LoadConnection(name).status());
      MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(home));
      MORTAR_RETURN_IF_ERROR(security::ForgetConnectionSecrets(vault, name).status());
      MORTAR_RETURN_IF_ERROR(home.DeleteConnection(name));
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
    for (const auto& param : in.args.Options("param")) {
      auto equals = param.find('=');
      if (equals == std::string::npos)
        return Status::Invalid("--param needs KEY=VALUE, got '" + param + "'");
      std::string key = param.substr(0, equals);
      std::string text = param.substr(equals + 1);
      // Numbers, booleans and JSON values keep their kind; anything else is a string.
      Json value = Json::parse(text, nullptr, false);
      if (value.is_discarded() || value.is_string()) value = text;
      // auth.token_file=... sets a field of a nested object.
      Json* target = &config.params;
      std::size_t start = 0;
      for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
        Json& child = (*target)[key.substr(start, dot - start)];
        if (!child.is_object()) child = Json::object();
        target = &child;
        start = dot + 1;
      }
      (*target)[key.substr(start)] = value;
    }
    MORTAR_RETURN_IF_ERROR(config::ValidateName("connection", name));
    MORTAR_RETURN_IF_ERROR(in.context->MakeConnection(config).status());
    auto existing = home.ListConnections();
    bool exists =
        existing.ok() && std::find(existing->begin(), existing->end(), name) != existing->end();
    if (exists && !in.args.Flag("replace")) {
      return Status::Conflict("a connection named '" + name +
                              "' exists; pass --replace to overwrite it");
    }
    if (exists) {
      // A replaced connection keeps who may use it.
      MORTAR_ASSIGN_OR_RETURN(config::ConnectionConfig old, home.LoadConnection(name));
      config.permissions = old.permissions;
    }
    MORTAR_RETURN_IF_ERROR(home.SaveConnection(config));
    if (!in.json) in.out << "Added connection " << name << " (" << *type << ")\n";
    return Status::OK();
  }
  if (action == "set-secret" || action == "authorize") return ConnectionSecretAction(in, action);
  if (action == "grant" || action == "revoke") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"group", "everyone"}));
    MORTAR_RETURN_IF_ERROR(RequireAdmin(in, "change who may use a connection"));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "connection name"));
    MORTAR_ASSIGN_OR_RETURN(std::string right_text, Word(in, 3, "right (use or free_sql)"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 4));
    MORTAR_ASSIGN_OR_RETURN(security::ConnectionRight right,
                            security::ParseConnectionRight(right_text));
    std::string group = in.args.Option("group").value_or("");
    if (group.empty() == !in.args.Flag("everyone"))
      return Status::Invalid("connection " + action + " needs --group GROUP or --everyone");
    if (!group.empty()) {
      MORTAR_ASSIGN_OR_RETURN(auto groups, home.LoadGroups());
      if (std::none_of(groups.begin(), groups.end(),
                       [&](const config::Group& g) { return g.name == group; }))
        return Status::NotFound("no group named '" + group + "' (see 'mortar group list')");
    }
    MORTAR_ASSIGN_OR_RETURN(config::ConnectionConfig config, home.LoadConnection(name));
    MORTAR_RETURN_IF_ERROR(security::SetConnectionGrant(config, right, group, action == "grant"));
    MORTAR_RETURN_IF_ERROR(home.SaveConnection(config));
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

// ---- project ----

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
      list.push_back(grant.user.empty() ? Json{{"group", grant.group}, {"role", role}}
                                        : Json{{"user", grant.user}, {"role", role}});
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

// ---- dataset ----

Status DatasetVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(
      std::string action,
      Word(in, 1, "action (list, show, preview, detect, scan, import, export)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, in.context->project());
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(auto names, project->ListDatasets());
    MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& name : names) {
      MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig config, project->LoadDataset(name));
      std::string producer = flow.ProducerOf(name);
      list.push_back({{"name", name},
                      {"connection", config.connection},
                      {"type", config.type},
                      {"recipe", producer}});
      rows.push_back(
          {name, config.connection, config.type, producer.empty() ? "(source)" : producer});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"NAME", "CONNECTION", "TYPE", "PRODUCED BY"}, rows);
    }
    return Status::OK();
  }
  if (action == "show" || action == "preview" || action == "detect") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"limit"}));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "dataset name"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, in.context->GetDataset(name));
    if (action == "preview") {
      MORTAR_ASSIGN_OR_RETURN(int64_t limit, in.args.IntegerOption("limit", 20));
      MORTAR_ASSIGN_OR_RETURN(auto reader, dataset->Read(ReadOptions{limit}));
      return PrintRows(in.out, *reader, in.json);
    }
    if (action == "detect") {
      MORTAR_RETURN_IF_ERROR(in.context->RequireProjectRole(security::ProjectRole::kWrite));
      MORTAR_ASSIGN_OR_RETURN(Schema schema, dataset->DetectSchema());
      config::DatasetConfig config = dataset->config();
      config.schema = schema;
      MORTAR_RETURN_IF_ERROR(project->SaveDataset(config));
      if (in.json) {
        PrintJson(in.out, config.ToJson());
      } else {
        in.out << "Schema of " << name << ": " << schema.ToString() << "\n";
      }
      return Status::OK();
    }
    const config::DatasetConfig& config = dataset->config();
    if (in.json) {
      PrintJson(in.out, config.ToJson());
      return Status::OK();
    }
    in.out << "name: " << config.name << "\nconnection: " << config.connection
           << "\ntype: " << config.type << "\n";
    for (const auto& [key, value] : config.params.items()) {
      in.out << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump())
             << "\n";
    }
    if (config.schema) {
      in.out << "schema:\n";
      for (const auto& column : config.schema->columns()) {
        in.out << "  " << column.name << " " << column.type.ToString() << "\n";
      }
    } else {
      in.out << "schema: (not recorded yet; 'mortar dataset detect " << name << "' records it)\n";
    }
    return Status::OK();
  }
  if (action == "scan") {
    // Reads every row and throws it away: a throughput check of the read path.
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "dataset name"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, in.context->GetDataset(name));
    auto start = std::chrono::steady_clock::now();
    MORTAR_ASSIGN_OR_RETURN(auto reader, dataset->Read(ReadOptions{}));
    int64_t rows = 0;
    while (true) {
      MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
      if (!batch) break;
      rows += batch->num_rows();
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (in.json) {
      PrintJson(in.out, Json{{"dataset", name}, {"rows", rows}, {"seconds", seconds}});
    } else {
      in.out << "Read " << FormatCount(rows) << " rows of " << name << " in " << seconds << " s\n";
    }
    return Status::OK();
  }
  if (action == "import") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"name", "format", "replace"}));
    MORTAR_RETURN_IF_ERROR(in.context->RequireProjectRole(security::ProjectRole::kWrite));
    MORTAR_ASSIGN_OR_RETURN(std::string connection_name, Word(in, 2, "connection name"));
    MORTAR_ASSIGN_OR_RETURN(std::string source, Word(in, 3, "path or table"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 4));
    MORTAR_ASSIGN_OR_RETURN(Connection * connection, in.context->GetConnection(connection_name));
    config::DatasetConfig config;
    config.connection = connection_name;
    if (connection->AsFiles() != nullptr) {
      config.type = "files";
      config.params = Json{{"path", source}};
      if (auto format = in.args.Option("format")) config.params["format"] = *format;
    } else {
      config.type = "sql_table";
      // catalog.schema.table, schema.table or table.
      std::vector<std::string> parts;
      std::size_t start = 0;
      while (true) {
        auto dot = source.find('.', start);
        parts.push_back(source.substr(start, dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
      if (parts.size() > 3)
        return Status::Invalid("'" + source + "' is not a table name (catalog.schema.table)");
      config.params = Json{{"table", parts.back()}};
      if (parts.size() >= 2) config.params["schema"] = parts[parts.size() - 2];
      if (parts.size() == 3) config.params["catalog"] = parts[0];
    }
    std::string default_name = source;
    auto slash = default_name.find_last_of("/.");
    if (config.type == "files") {
      default_name = std::filesystem::path(source).filename().string();
      default_name = default_name.substr(0, default_name.find('.'));
    } else if (slash != std::string::npos) {
      default_name = default_name.substr(slash + 1);
    }
    config.name = in.args.Option("name").value_or(default_name);
    config.file = "dataset '" + config.name + "'";
    MORTAR_RETURN_IF_ERROR(config::ValidateName("dataset", config.name));
    auto names = project->ListDatasets();
    if (names.ok() && std::find(names->begin(), names->end(), config.name) != names->end() &&
        !in.args.Flag("replace")) {
      return Status::Conflict("a dataset named '" + config.name +
                              "' exists; pass --name or --replace");
    }
    MORTAR_ASSIGN_OR_RETURN(auto dataset, in.context->MakeDataset(config));
    MORTAR_ASSIGN_OR_RETURN(Schema schema, dataset->DetectSchema());
    config.schema = schema;
    MORTAR_RETURN_IF_ERROR(project->SaveDataset(config));
    if (in.json) {
      PrintJson(in.out, config.ToJson());
    } else {
      in.out << "Imported " << source << " as dataset " << config.name << " (" << schema.ToString()
             << ")\n";
    }
    return Status::OK();
  }
  if (action == "export") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "dataset name"));
    MORTAR_ASSIGN_OR_RETURN(std::string file,
                            Word(in, 3, "output file (.csv, .csv.gz or .parquet)"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 4));
    MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, in.context->GetDataset(name));
    std::filesystem::path target = std::filesystem::absolute(file);
    config::ConnectionConfig local{
        "export",       "filesystem", "", Json{{"root", target.parent_path().string()}},
        Json::object(), "export"};
    MORTAR_ASSIGN_OR_RETURN(auto connection, in.context->MakeConnection(local));
    config::DatasetConfig out_config;
    out_config.name = "export";
    out_config.connection = "export";
    out_config.type = "files";
    out_config.params = Json{{"path", target.filename().string()}};
    out_config.file = "export";
    MORTAR_ASSIGN_OR_RETURN(const DatasetType* files,
                            in.context->registry().FindDatasetType("files"));
    MORTAR_ASSIGN_OR_RETURN(auto output, files->Create(out_config, *connection));
    MORTAR_ASSIGN_OR_RETURN(auto reader, dataset->Read(ReadOptions{}));
    MORTAR_ASSIGN_OR_RETURN(auto writer, output->OpenWriter(reader->schema(), WriteMode::kReplace));
    MORTAR_ASSIGN_OR_RETURN(CopyStats stats, CopyBatches(*reader, *writer, nullptr));
    if (in.json) {
      PrintJson(in.out, Json{{"dataset", name}, {"file", target.string()}, {"rows", stats.rows}});
    } else {
      in.out << "Exported " << stats.rows << " rows of " << name << " to " << target.string()
             << "\n";
    }
    return Status::OK();
  }
  return Status::Invalid("unknown action 'dataset " + action + "' (see 'mortar dataset --help')");
}

// ---- recipe ----

Status RecipeVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action, Word(in, 1, "action (list, show, run)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, in.context->project());
  MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, recipe] : flow.recipes()) {
      std::string inputs;
      for (const auto& input : recipe.inputs) inputs += (inputs.empty() ? "" : ", ") + input;
      std::string outputs;
      for (const auto& output : recipe.outputs) outputs += (outputs.empty() ? "" : ", ") + output;
      list.push_back({{"name", name},
                      {"type", recipe.type},
                      {"inputs", recipe.inputs},
                      {"outputs", recipe.outputs}});
      rows.push_back({name, recipe.type, inputs, outputs});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"NAME", "TYPE", "INPUTS", "OUTPUTS"}, rows);
    }
    return Status::OK();
  }
  MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "recipe name"));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
  auto it = flow.recipes().find(name);
  if (it == flow.recipes().end())
    return Status::NotFound("no recipe named '" + name + "' (see 'mortar recipe list')");
  const config::RecipeConfig& recipe = it->second;
  if (action == "show") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"sql"}));
    MORTAR_ASSIGN_OR_RETURN(const RecipeType* type,
                            in.context->registry().FindRecipeType(recipe.type));
    MORTAR_RETURN_IF_ERROR(type->Validate(recipe));
    JobLog quiet;
    RecipeRun run{recipe, {}, {}, quiet};
    for (const auto& input : recipe.inputs) {
      MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, in.context->GetDataset(input));
      run.inputs.push_back(dataset);
    }
    for (const auto& output : recipe.outputs) {
      MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, in.context->GetDataset(output));
      run.outputs.push_back(dataset);
    }
    MORTAR_ASSIGN_OR_RETURN(const Engine* engine, ChooseEngine(in.context->registry(), run));
    std::string sql;
    if (in.args.Flag("sql") || in.json) {
      MORTAR_ASSIGN_OR_RETURN(sql, engine->Explain(run));
    }
    if (in.json) {
      Json json = recipe.ToJson();
      json["chosen_engine"] = std::string(engine->name());
      if (!sql.empty()) json["sql"] = sql;
      PrintJson(in.out, json);
      return Status::OK();
    }
    if (in.args.Flag("sql")) {
      if (sql.empty()) {
        return Status::Invalid("recipe '" + name + "' runs on the " + std::string(engine->name()) +
                               " engine, which runs no SQL");
      }
      in.out << sql << (sql.back() == '\n' ? "" : "\n");
      return Status::OK();
    }
    in.out << recipe.ToJson().dump(2) << "\nengine: " << engine->name() << "\n";
    return Status::OK();
  }
  if (action == "run") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(auto log, JobLog::Create(in.context->home().JobsDir(), name,
                                                     !in.json && !in.args.Flag("quiet")));
    MORTAR_ASSIGN_OR_RETURN(RecipeOutcome outcome, flow.RunRecipe(*in.context, name, *log));
    if (in.json) {
      PrintJson(in.out, Json{{"recipe", name},
                             {"engine", outcome.engine},
                             {"rows", outcome.rows},
                             {"seconds", outcome.seconds},
                             {"job", log->id()},
                             {"log", log->path().string()}});
    } else {
      in.out << "Ran recipe " << name << " with the " << outcome.engine << " engine in "
             << outcome.seconds << " s (log: " << log->path().string() << ")\n";
    }
    return Status::OK();
  }
  return Status::Invalid("unknown action 'recipe " + action + "' (see 'mortar recipe --help')");
}

// ---- build ----

Status BuildVerb(Invocation& in) {
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"force"}));
  if (in.args.words().size() < 2)
    return Status::Invalid("build needs at least one dataset (see 'mortar build --help')");
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, in.context->project());
  MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
  std::vector<std::string> targets(in.args.words().begin() + 1, in.args.words().end());
  BuildOptions options;
  options.force = in.args.Flag("force");
  options.echo = !in.json && !in.args.Flag("quiet");
  MORTAR_ASSIGN_OR_RETURN(BuildReport report, flow.Build(*in.context, targets, options));
  if (in.json) {
    Json recipes = Json::array();
    for (const auto& outcome : report.recipes) {
      recipes.push_back({{"recipe", outcome.recipe},
                         {"ran", outcome.ran},
                         {"engine", outcome.engine},
                         {"rows", outcome.rows},
                         {"seconds", outcome.seconds}});
    }
    PrintJson(in.out, Json{{"job", report.job_id}, {"log", report.log_path}, {"recipes", recipes}});
  } else {
    int ran = 0;
    for (const auto& outcome : report.recipes) ran += outcome.ran ? 1 : 0;
    in.out << "Build finished: " << ran << " recipe(s) ran, "
           << report.recipes.size() - static_cast<std::size_t>(ran)
           << " up to date (log: " << report.log_path << ")\n";
  }
  return Status::OK();
}

// ---- sql ----

Status ChartVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action, Word(in, 1, "action (list, render)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, in.context->project());
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 2));
    MORTAR_ASSIGN_OR_RETURN(auto charts, charts::ListCharts(*project));
    std::vector<std::vector<std::string>> rows;
    Json list = Json::array();
    for (const auto& spec : charts) {
      list.push_back({{"name", spec.name}, {"dataset", spec.dataset}});
      rows.push_back({spec.name, spec.dataset});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"NAME", "DATASET"}, rows);
    }
    return Status::OK();
  }
  if (action != "render") {
    return Status::Invalid("unknown action '" + action + "' for chart (expected list, render)");
  }
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"out", "scale"}));
  MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "chart name"));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
  auto out = in.args.Option("out");
  bool png = out && std::filesystem::path(*out).extension() == ".png";
  if (out && !png && std::filesystem::path(*out).extension() != ".svg") {
    return Status::Invalid("--out " + *out + ": expected a file name ending in .svg or .png");
  }
  double scale = 1;
  if (auto text = in.args.Option("scale")) {
    char* end = nullptr;
    scale = std::strtod(text->c_str(), &end);
    if (end == text->c_str() || *end != '\0' || !png) {
      return Status::Invalid("--scale expects a number, with --out FILE.png");
    }
  }
  MORTAR_ASSIGN_OR_RETURN(charts::ChartSpec spec, charts::LoadChart(*project, name));
  MORTAR_ASSIGN_OR_RETURN(
      charts::ChartData data,
      charts::ComputeChart(*in.context, spec, std::filesystem::temp_directory_path()));
  if (in.json) {
    PrintJson(in.out, charts::ChartDataJson(spec, data));
    return Status::OK();
  }
  std::string picture = charts::RenderSvg(spec, data);
  if (!out) {
    in.out << picture;
    return Status::OK();
  }
  if (png) {
    MORTAR_ASSIGN_OR_RETURN(picture, charts::RenderPng(picture, scale));
  }
  MORTAR_RETURN_IF_ERROR(config::WriteTextFile(
      *out, picture,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
          std::filesystem::perms::group_read | std::filesystem::perms::others_read));
  in.out << "wrote " << *out << " (" << data.rows.size() << " bins, engine " << data.engine
         << (data.cached ? ", from the cache" : "") << ")\n";
  return Status::OK();
}

Status SqlVerb(Invocation& in) {
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"limit"}));
  MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 1, "connection name"));
  MORTAR_ASSIGN_OR_RETURN(std::string query, Word(in, 2, "query"));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
  MORTAR_ASSIGN_OR_RETURN(int64_t limit, in.args.IntegerOption("limit", 100));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  MORTAR_RETURN_IF_ERROR(
      in.context->RequireConnectionRight(name, security::ConnectionRight::kFreeSql));
  MORTAR_ASSIGN_OR_RETURN(Connection * connection, in.context->GetConnection(name));
  SqlConnection* sql = connection->AsSql();
  if (sql == nullptr)
    return Status::Invalid("connection '" + name + "' is of type '" + connection->type() +
                           "', which runs no SQL");
  MORTAR_ASSIGN_OR_RETURN(auto reader, sql->Query(query));
  return PrintRows(in.out, *LimitRows(std::move(reader), limit), in.json);
}

}  // namespace

Status Run(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  MORTAR_ASSIGN_OR_RETURN(Arguments args, Arguments::Parse(argv));
  if (args.words().empty() || args.words()[0] == "help") {
    if (args.words().size() > 1 && VerbHelp().count(args.words()[1]) > 0) {
      out << VerbHelp().at(args.words()[1]);
      return Status::OK();
    }
    out << kGlobalHelp;
    if (args.words().empty() && !args.Flag("help")) return Status::Invalid("no verb given");
    return Status::OK();
  }
  const std::string& verb = args.words()[0];
  if (args.Flag("help")) {
    auto help = VerbHelp().find(verb);
    if (help == VerbHelp().end())
      return Status::Invalid("unknown verb '" + verb + "' (see 'mortar --help')");
    out << help->second;
    return Status::OK();
  }
  Invocation in{args, out, err, args.Flag("json"), nullptr};
  static const std::map<std::string, std::function<Status(Invocation&)>> kVerbs = {
      {"init", Init},
      {"connection", ConnectionVerb},
      {"project", ProjectVerb},
      {"dataset", DatasetVerb},
      {"recipe", RecipeVerb},
      {"chart", ChartVerb},
      {"build", BuildVerb},
      {"sql", SqlVerb},
      {"user", UserVerb},
      {"group", GroupVerb},
      {"api-key", ApiKeyVerb},
      {"credentials", CredentialsVerb},
      {"secrets", SecretsVerb},
      {"serve", ServeVerb},
      {"quickstart",
       [](Invocation& invocation) { return Quickstart(invocation.args, invocation.out); }},
      {"version",
       [](Invocation& invocation) {
         invocation.out << "mortar " << MORTAR_VERSION << "\n";
         return Status::OK();
       }},
  };
  auto it = kVerbs.find(verb);
  if (it == kVerbs.end())
    return Status::Invalid("unknown verb '" + verb + "' (see 'mortar --help')");
  return it->second(in);
}

}  // namespace mortar::cli
