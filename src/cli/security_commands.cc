// The verbs about who may do what: users, groups, API keys, credentials, the vault,
// and `mortar serve`.
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "cli/invocation.h"
#include "cli/table_printer.h"
#include "mortar/auth/authorization_flow.h"
#include "mortar/builtin/builtin_registry.h"
#include "mortar/connectors/personal_token.h"
#include "mortar/core/parse_integer.h"
#include "mortar/flow/connection_admin.h"
#include "mortar/flow/user_admin.h"
#include "mortar/security/accounts.h"
#include "mortar/security/permissions.h"
#include "mortar/security/vault.h"
#include "mortar/server/server.h"

namespace mortar::cli {

namespace {

using Json = nlohmann::json;

// One line from standard input, without echo on a terminal: secrets never come from
// the command line, where other users' `ps` would see them.
Result<std::string> ReadSecret(Invocation& in, const std::string& prompt) {
  bool terminal = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal) {
    in.err << prompt << ": " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    in.err << "\n";
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' '))
    line.pop_back();
  if (line.empty()) return Status::Invalid(prompt + ": nothing was given on standard input");
  return line;
}

Status Done(Invocation& in, const std::string& message) {
  if (in.json) {
    PrintJson(in.out, Json{{"ok", true}});
  } else {
    in.out << message << "\n";
  }
  return Status::OK();
}

}  // namespace

Status UserVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action, Word(in, 1, "action (list, add, passwd, delete)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  const config::Home& home = in.context->home();
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(auto users, home.LoadUsers());
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& user : users) {
      std::string groups;
      for (const auto& group : user.groups) groups += (groups.empty() ? "" : ",") + group;
      list.push_back(security::UserJson(user));
      rows.push_back({user.name, user.display_name, user.admin ? "yes" : "", groups});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"NAME", "DISPLAY NAME", "ADMIN", "GROUPS"}, rows);
    }
    return Status::OK();
  }
  MORTAR_RETURN_IF_ERROR(RequireAdmin(in, "manage users"));
  MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "user name"));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
  if (action == "add") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"admin", "group", "display-name"}));
    config::User user{name, in.args.Option("display-name").value_or(name), in.args.Options("group"),
                      in.args.Flag("admin")};
    MORTAR_ASSIGN_OR_RETURN(std::string password, ReadSecret(in, "password for " + name));
    MORTAR_RETURN_IF_ERROR(security::AddUser(home, user, password));
    return Done(in, "Added user " + name);
  }
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
  if (action == "passwd") {
    MORTAR_ASSIGN_OR_RETURN(std::string password, ReadSecret(in, "new password for " + name));
    MORTAR_RETURN_IF_ERROR(ChangePassword(*in.context, name, password, std::nullopt));
    return Done(in, "Changed the password of " + name);
  }
  if (action == "delete") {
    MORTAR_RETURN_IF_ERROR(RemoveUser(*in.context, name));
    return Done(in, "Deleted user " + name);
  }
  return Status::Invalid("unknown action 'user " + action + "' (see 'mortar user --help')");
}

Status GroupVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action, Word(in, 1, "action (list, add)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  const config::Home& home = in.context->home();
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(auto groups, home.LoadGroups());
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& group : groups) {
      list.push_back({{"name", group.name}, {"description", group.description}});
      rows.push_back({group.name, group.description});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"NAME", "DESCRIPTION"}, rows);
    }
    return Status::OK();
  }
  if (action == "add") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"description"}));
    MORTAR_RETURN_IF_ERROR(RequireAdmin(in, "manage groups"));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "group name"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    MORTAR_RETURN_IF_ERROR(
        security::AddGroup(home, config::Group{name, in.args.Option("description").value_or("")}));
    return Done(in, "Added group " + name);
  }
  return Status::Invalid("unknown action 'group " + action + "' (see 'mortar group --help')");
}

Status ApiKeyVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action, Word(in, 1, "action (list, create, revoke)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  const config::Home& home = in.context->home();
  const std::string& user = in.context->user();
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(auto keys, security::ListApiKeys(home, user));
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& key : keys) {
      list.push_back({{"id", key.id}, {"label", key.label}, {"created_at", key.created_at}});
      rows.push_back({key.id, key.label, key.created_at});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"ID", "LABEL", "CREATED"}, rows);
    }
    return Status::OK();
  }
  if (action == "create") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"label"}));
    MORTAR_ASSIGN_OR_RETURN(
        std::string key, security::CreateApiKey(home, user, in.args.Option("label").value_or("")));
    if (in.json) {
      PrintJson(in.out, Json{{"key", key}});
    } else {
      in.out << key << "\n";
      in.err << "This key is shown once: store it now. Scripts send it as "
                "'Authorization: Bearer <key>'.\n";
    }
    return Status::OK();
  }
  if (action == "revoke") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(std::string id, Word(in, 2, "key id"));
    MORTAR_RETURN_IF_ERROR(security::RevokeApiKey(home, user, id));
    return Done(in, "Revoked API key " + id);
  }
  return Status::Invalid("unknown action 'api-key " + action + "' (see 'mortar api-key --help')");
}

Status CredentialsVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action, Word(in, 1, "action (list, set, delete)"));
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions(action == "set" ? std::vector<std::string>{"expires"}
                                                              : std::vector<std::string>{}));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  const config::Home& home = in.context->home();
  const std::string& user = in.context->user();
  if (action == "list") {
    MORTAR_ASSIGN_OR_RETURN(auto names, home.ListConnections());
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& name : names) {
      // One broken connection does not hide the others.
      auto connection = in.context->GetConnection(name);
      auto described = connection.ok() ? (*connection)->Credentials()
                                       : Result<CredentialState>(connection.status());
      if (!described.ok()) {
        list.push_back({{"connection", name}, {"error", described.status().message()}});
        rows.push_back({name, "(cannot be opened: see 'mortar connection show " + name + "')", "",
                        "", "", ""});
        continue;
      }
      const CredentialState& state = *described;
      list.push_back({{"connection", name},
                      {"method", state.method},
                      {"per_user", state.per_user},
                      {"provided", state.provided},
                      {"authorized_at", state.obtained_at},
                      {"refreshed_at", state.refreshed_at},
                      {"access_expires_at", state.access_expires_at},
                      {"refresh_expires_at", state.refresh_expires_at},
                      {"action", state.action}});
      rows.push_back({name, state.method, state.per_user ? "per user" : "global",
                      state.provided ? "yes" : "NO", state.obtained_at, state.refreshed_at});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out,
                 {"CONNECTION", "METHOD", "CREDENTIALS", "PROVIDED", "AUTHORIZED",
                  "REFRESH TOKEN RENEWED"},
                 rows);
    }
    return Status::OK();
  }
  MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "connection name"));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
  MORTAR_ASSIGN_OR_RETURN(Connection * connection, in.context->GetConnection(name));
  if (action == "set") {
    MORTAR_RETURN_IF_ERROR(CheckTakesPersonalToken(*connection));
    MORTAR_ASSIGN_OR_RETURN(std::string token, ReadSecret(in, "personal access token for " + name));
    const std::string expires = in.args.Option("expires").value_or("");
    MORTAR_RETURN_IF_ERROR(StorePersonalToken(home, *connection, user, token, expires));
    return Done(in, "Stored the personal access token of " + user + " for " + name +
                        (expires.empty() ? "" : ", expiring on " + expires));
  }
  if (action == "delete") {
    MORTAR_RETURN_IF_ERROR(ForgetUserCredentials(home, user, name));
    return Done(in, "Deleted the credentials of " + user + " for " + name);
  }
  return Status::Invalid("unknown action 'credentials " + action +
                         "' (see 'mortar credentials --help')");
}

Status SecretsVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action, Word(in, 1, "action (list, rotate-key)"));
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 2));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  MORTAR_RETURN_IF_ERROR(RequireAdmin(in, "manage the vault"));
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(in.context->home()));
  if (action == "list") {
    MORTAR_ASSIGN_OR_RETURN(auto slots, vault.List(""));
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& slot : slots) {
      list.push_back({{"slot", slot.slot}, {"updated_at", slot.updated_at}});
      rows.push_back({slot.slot, slot.updated_at});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"SLOT", "UPDATED"}, rows);
    }
    return Status::OK();
  }
  if (action == "rotate-key") {
    MORTAR_ASSIGN_OR_RETURN(int64_t count, vault.RotateKey());
    MORTAR_ASSIGN_OR_RETURN(std::string id, vault.ActiveKeyId());
    if (in.json) {
      PrintJson(in.out, Json{{"key", id}, {"secrets", count}});
    } else {
      in.out << "Rotated the key: " << count << " secret(s) re-encrypted under key " << id << "\n";
    }
    return Status::OK();
  }
  return Status::Invalid("unknown action 'secrets " + action + "' (see 'mortar secrets --help')");
}

Status RequireAdmin(const Invocation& in, const std::string& what) {
  return mortar::RequireAdmin(*in.context, what);
}

Status ConnectionSecretAction(Invocation& in, const std::string& action) {
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
  MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "connection name"));
  const config::Home& home = in.context->home();
  MORTAR_ASSIGN_OR_RETURN(Connection * connection, in.context->GetConnection(name));
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(home));
  if (action == "set-secret") {
    MORTAR_ASSIGN_OR_RETURN(std::string field, Word(in, 3, "secret field"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 4));
    MORTAR_RETURN_IF_ERROR(CheckConnectionSecretField(field));
    MORTAR_RETURN_IF_ERROR(RequireAdmin(in, "set a connection's secrets"));
    MORTAR_ASSIGN_OR_RETURN(std::string value, ReadSecret(in, field + " for " + name));
    MORTAR_RETURN_IF_ERROR(SetConnectionSecret(*in.context, name, field, value));
    return Done(in, "Stored " + field + " of connection " + name + " in the vault");
  }
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
  MORTAR_ASSIGN_OR_RETURN(auth::OAuthClient client, connection->UserGrantClient());
  MORTAR_ASSIGN_OR_RETURN(server::ServerOptions saved, server::LoadServerSettings(home));
  std::string redirect = server::EffectiveBaseUrl(home, saved) + "/api/oauth2-callback";
  MORTAR_ASSIGN_OR_RETURN(
      std::string url,
      auth::StartUserGrant(vault, client,
                           auth::PendingGrant{in.context->user(), name, "", redirect, "", 0}));
  if (in.json) {
    PrintJson(in.out, Json{{"url", url}, {"redirect_uri", redirect}});
  } else {
    in.out << url << "\n";
    in.err << "Open this URL in a browser within ten minutes, as " << in.context->user()
           << ". Mortar's server (mortar serve) must be running at " << redirect
           << " to receive the answer.\n";
  }
  return Status::OK();
}

Status ServeVerb(Invocation& in) {
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"listen", "base-url", "threads", "save"}));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 1));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  const config::Home& home = in.context->home();
  MORTAR_ASSIGN_OR_RETURN(server::ServerOptions options, server::LoadServerSettings(home));
  if (auto listen = in.args.Option("listen")) {
    auto colon = listen->rfind(':');
    if (colon == std::string::npos) return Status::Invalid("--listen needs HOST:PORT");
    options.host = listen->substr(0, colon);
    auto port = ParseInteger(std::string_view(*listen).substr(colon + 1));
    if (!port || *port < 1 || *port > 65535) {
      return Status::Invalid("--listen needs HOST:PORT, got '" + *listen + "'");
    }
    options.port = static_cast<int>(*port);
  }
  if (auto base = in.args.Option("base-url")) {
    if (base->rfind("http://", 0) != 0 && base->rfind("https://", 0) != 0)
      return Status::Invalid("--base-url must start with http:// or https://");
    options.base_url = *base;
  }
  MORTAR_ASSIGN_OR_RETURN(int64_t threads, in.args.IntegerOption("threads", options.threads));
  options.threads = static_cast<int>(std::clamp<int64_t>(threads, 2, 256));
  if (in.args.Flag("save")) MORTAR_RETURN_IF_ERROR(server::SaveServerSettings(home, options));
  return server::Serve(home, options, BuiltinRegistry(), in.err);
}

}  // namespace mortar::cli
