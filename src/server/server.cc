#include "mortar/server/server.h"

#include <arrow/api.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "mortar/auth/authorization_flow.h"
#include "mortar/auth/oauth_token_sources.h"
#include "mortar/charts/chart.h"
#include "mortar/config/document.h"
#include "mortar/connectors/browse.h"
#include "mortar/core/cell_text.h"
#include "mortar/core/interrupt.h"
#include "mortar/core/markup_escape.h"
#include "mortar/flow/context.h"
#include "mortar/security/accounts.h"
#include "mortar/security/permissions.h"
#include "mortar/security/vault.h"
#include "server/data_api.h"
#include "server/error_reply.h"
#include "server/login_throttle.h"
#include "server/web_page.h"

namespace mortar::server {

namespace {

using Json = nlohmann::json;

constexpr const char* kCookie = "mortar_session";
constexpr auto kSessionLifetime = std::chrono::hours(12);
constexpr std::size_t kMaxBodyBytes = 1 << 20;

struct Session {
  std::string user;
  std::chrono::steady_clock::time_point expires;
};

// An OAuth grant started outside a browser session (the CLI, an API key), back at the
// callback with its code: it waits for the logged-in user to confirm in this browser.
struct HeldGrant {
  auth::PendingGrant pending;
  std::string code;
  std::string session;  // the digest of the browser session that must confirm
  std::chrono::steady_clock::time_point expires;
};
constexpr auto kHeldGrantLifetime = std::chrono::minutes(5);

// The scheme, host and port of a URL, as browsers send it in Origin.
std::string OriginOf(const std::string& url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  std::size_t path = url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

// Who sent a request: a session cookie or an API key.
struct Caller {
  std::string user;
  std::string session_id;  // empty for API keys
};

class Server {
 public:
  Server(config::Home home, ServerOptions options, std::shared_ptr<const Registry> registry,
         std::ostream& log)
      : home_(std::move(home)),
        registry_(std::move(registry)),
        options_(std::move(options)),
        base_url_(EffectiveBaseUrl(home_, options_)),
        redirect_uri_(base_url_ + "/api/oauth2-callback"),
        log_(log),
        tokens_(std::make_shared<auth::TokenSourceCache>()),
        data_api_(home_, registry_, tokens_, tickets_) {}

  Status Run() {
    httplib::Server http;
    http.new_task_queue = [threads = options_.threads] { return new httplib::ThreadPool(threads); };
    Routes(http);
    data_api_.Register(http);
    if (!http.bind_to_port(options_.host, options_.port)) {
      return Status::Conflict("cannot listen on " + options_.host + ":" +
                              std::to_string(options_.port) +
                              ": the port is taken or the address is not local; choose another "
                              "with --listen HOST:PORT");
    }
    std::atomic<bool> done{false};
    std::thread watcher([&] {
      while (!done && !InterruptRequested())
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      http.stop();
    });
    Log("mortar server listening on http://" + options_.host + ":" + std::to_string(options_.port) +
        " (base URL " + base_url_ + ", OAuth redirect URI " + redirect_uri_ + ")");
    bool ok = http.listen_after_bind();
    done = true;
    watcher.join();
    Log("mortar server stopped");
    return ok || InterruptRequested() ? Status::OK()
                                      : Status::Internal("the server stopped on an error");
  }

 private:
  void Log(const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mutex_);
    log_ << line << std::endl;
  }

  // ---- sessions and callers ----

  std::string NewSession(const std::string& user) {
    std::string id = auth::RandomUrlSafe();
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    sessions_[id] = {user, std::chrono::steady_clock::now() + kSessionLifetime};
    return id;
  }

  std::optional<Caller> SessionCaller(const httplib::Request& request) {
    std::string cookies = request.get_header_value("Cookie");
    std::string prefix = std::string(kCookie) + "=";
    std::size_t at = cookies.find(prefix);
    if (at == std::string::npos) return std::nullopt;
    std::size_t start = at + prefix.size();
    std::string id = cookies.substr(start, cookies.find(';', start) - start);
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return std::nullopt;
    if (it->second.expires < std::chrono::steady_clock::now()) {
      sessions_.erase(it);
      return std::nullopt;
    }
    return Caller{it->second.user, id};
  }

  // The caller of an API request, or an error to answer with.
  Result<Caller> Authenticate(const httplib::Request& request) {
    std::string authorization = request.get_header_value("Authorization");
    if (authorization.rfind("Bearer ", 0) == 0) {
      MORTAR_ASSIGN_OR_RETURN(std::string user,
                              security::UserForApiKey(home_, authorization.substr(7)));
      return Caller{user, ""};
    }
    auto caller = SessionCaller(request);
    if (!caller) {
      return Status::Unauthenticated(
          "not logged in: log in on the web page, or send an API key as "
          "'Authorization: Bearer mk_...'");
    }
    // A browser session may change things only from our own page: it sends this header,
    // which another site's page cannot send without our consent (CORS).
    if (request.method != "GET" && request.get_header_value("X-Mortar-Request") != "1") {
      return Status::PermissionDenied(
          "refused: a request made with a session cookie must come from "
          "Mortar's page (header X-Mortar-Request missing)");
    }
    return *caller;
  }

  // Whether a browser sent the request from Mortar's own page. Browsers send
  // Sec-Fetch-Site and Origin with every POST; programs that send neither are not
  // browsers, which cross-site forgery needs.
  bool FromOwnPage(const httplib::Request& request) const {
    std::string site = request.get_header_value("Sec-Fetch-Site");
    if (!site.empty() && site != "same-origin") return false;
    std::string origin = request.get_header_value("Origin");
    if (origin.empty() || origin == OriginOf(base_url_)) return true;
    // The address the browser used (a page on another site cannot change Host).
    std::string scheme = base_url_.substr(0, base_url_.find("://"));
    std::string host = request.get_header_value("Host");
    return !host.empty() && origin == scheme + "://" + host;
  }

  // ---- responses ----

  void Page(httplib::Response& response, int status, const std::string& title,
            const std::string& body_html) {
    response.status = status;
    response.set_header("Cache-Control", "no-store");
    response.set_header("Content-Security-Policy", "default-src 'self'");
    response.set_content("<!doctype html><html><head><meta charset='utf-8'><title>" +
                             EscapeMarkup(title) +
                             "</title><link rel='stylesheet' href='/app.css'></head><body><main>" +
                             body_html + "</main></body></html>",
                         "text/html; charset=utf-8");
  }

  using Handler = std::function<Result<Json>(const httplib::Request&, const Caller&)>;

  // An API route: authenticated, answered with JSON, errors mapped in one place.
  httplib::Server::Handler Api(Handler handler) {
    return [this, handler](const httplib::Request& request, httplib::Response& response) {
      auto caller = Authenticate(request);
      if (!caller.ok()) return ReplyError(response, caller.status());
      Result<Json> result = Status::Internal("no answer");
      try {
        result = handler(request, *caller);
      } catch (const Json::exception& error) {
        // A body field of the wrong type (a string where a number goes, say).
        result = Status::Invalid(std::string("a field of the request has the wrong type: ") +
                                 error.what());
      }
      if (!result.ok()) return ReplyError(response, result.status());
      ReplyJson(response, *result);
    };
  }

  Result<Json> Body(const httplib::Request& request) {
    Json body = Json::parse(request.body, nullptr, false);
    if (!body.is_object()) return Status::Invalid("expected a JSON object in the request body");
    return body;
  }

  Result<std::unique_ptr<Context>> ContextFor(const std::string& user) {
    MORTAR_RETURN_IF_ERROR(home_.FindUser(user).status());
    return std::make_unique<Context>(home_, registry_, user, tokens_);
  }

  Json CredentialsJson(const CredentialState& state) {
    return Json{{"method", state.method},
                {"per_user", state.per_user},
                {"provided", state.provided},
                {"obtained_at", state.obtained_at},
                {"refreshed_at", state.refreshed_at},
                {"action", state.action}};
  }

  // ---- routes ----

  void Routes(httplib::Server& http) {
    // Bodies are read whole before a handler runs, except the data API's Arrow
    // uploads, which stream: everything else is refused past kMaxBodyBytes, before it
    // is read.
    http.set_pre_routing_handler(
        [this](const httplib::Request& request, httplib::Response& response) {
          if (request.method == "GET" || DataApi::StreamsBody(request.path))
            return httplib::Server::HandlerResponse::Unhandled;
          std::string length = request.get_header_value("Content-Length");
          bool chunked =
              request.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos;
          if (chunked ||
              (!length.empty() && std::strtoull(length.c_str(), nullptr, 10) > kMaxBodyBytes)) {
            ReplyError(
                response,
                Status::Invalid("the request body is larger than " + std::to_string(kMaxBodyBytes) +
                                " bytes (or of unknown length); send less"),
                413);
            return httplib::Server::HandlerResponse::Handled;
          }
          return httplib::Server::HandlerResponse::Unhandled;
        });
    http.set_logger([this](const httplib::Request& request, const httplib::Response& response) {
      auto caller = SessionCaller(request);
      // The path only: callback queries hold the authorization code and state.
      Log(request.method + " " + request.path + " " + std::to_string(response.status) +
          (caller ? " user=" + caller->user : ""));
    });
    http.Get("/", [](const httplib::Request&, httplib::Response& response) {
      response.set_header("Content-Security-Policy", "default-src 'self'");
      response.set_header("Cache-Control", "no-store");
      response.set_content(std::string(WebPageHtml()), "text/html; charset=utf-8");
    });
    http.Get("/app.js", [](const httplib::Request&, httplib::Response& response) {
      response.set_content(std::string(WebPageScript()), "text/javascript; charset=utf-8");
    });
    http.Get("/app.css", [](const httplib::Request&, httplib::Response& response) {
      response.set_content(std::string(WebPageStyle()), "text/css; charset=utf-8");
    });
    http.Post("/api/login",
              [this](const auto& request, auto& response) { Login(request, response); });
    http.Post("/api/logout", [this](const httplib::Request& request, httplib::Response& response) {
      if (auto caller = SessionCaller(request)) {
        std::lock_guard<std::mutex> lock(sessions_mutex_);
        sessions_.erase(caller->session_id);
      }
      response.set_header("Set-Cookie",
                          std::string(kCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
      ReplyJson(response, Json{{"ok", true}});
    });
    http.Get("/api/me", Api([this](const auto&, const Caller& caller) -> Result<Json> {
               MORTAR_ASSIGN_OR_RETURN(config::User user, home_.FindUser(caller.user));
               // What they may do: their role on each project they may see.
               MORTAR_ASSIGN_OR_RETURN(auto names, home_.ListProjects());
               Json projects = Json::array();
               for (const auto& name : names) {
                 MORTAR_ASSIGN_OR_RETURN(security::ProjectRole role,
                                         security::ProjectRoleOf(home_, user, name));
                 if (role != security::ProjectRole::kNone)
                   projects.push_back({{"name", name}, {"role", security::ProjectRoleName(role)}});
               }
               return Json{{"user", user.name},    {"display_name", user.display_name},
                           {"admin", user.admin},  {"groups", user.groups},
                           {"projects", projects}, {"redirect_uri", redirect_uri_}};
             }));
    http.Get("/api/connections", Api([this](const auto&, const Caller& caller) -> Result<Json> {
               MORTAR_ASSIGN_OR_RETURN(auto context, ContextFor(caller.user));
               MORTAR_ASSIGN_OR_RETURN(config::User user, home_.FindUser(caller.user));
               MORTAR_ASSIGN_OR_RETURN(auto names, home_.ListConnections());
               Json list = Json::array();
               // Only the connections the caller may use, with what else they may do.
               for (const auto& name : names) {
                 auto config = home_.LoadConnection(name);
                 if (!config.ok()) {
                   if (user.admin)
                     list.push_back({{"name", name}, {"error", config.status().message()}});
                   continue;
                 }
                 MORTAR_ASSIGN_OR_RETURN(
                     bool use,
                     security::HasConnectionRight(user, *config, security::ConnectionRight::kUse));
                 if (!use) continue;
                 MORTAR_ASSIGN_OR_RETURN(bool free_sql,
                                         security::HasConnectionRight(
                                             user, *config, security::ConnectionRight::kFreeSql));
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
    http.Post(R"(/api/connections/([A-Za-z0-9_-]+)/test)",
              Api([this](const httplib::Request& request, const Caller& caller) -> Result<Json> {
                MORTAR_ASSIGN_OR_RETURN(auto context, ContextFor(caller.user));
                MORTAR_ASSIGN_OR_RETURN(Connection * connection,
                                        context->GetConnection(request.matches[1]));
                MORTAR_ASSIGN_OR_RETURN(TestReport report, connection->Test());
                Json json = {{"connection", connection->name()}, {"ok", true}};
                for (const auto& [key, value] : report) json["report"][key] = value;
                return json;
              }));
    // Browsing what a SQL connection holds: ?catalog=&schema= (and &table= for columns).
    http.Get(R"(/api/connections/([A-Za-z0-9_-]+)/(catalogs|schemas|tables|columns))",
             Api([this](const httplib::Request& request, const Caller& caller) -> Result<Json> {
               MORTAR_ASSIGN_OR_RETURN(auto context, ContextFor(caller.user));
               MORTAR_ASSIGN_OR_RETURN(Connection * connection,
                                       context->GetConnection(request.matches[1]));
               SqlConnection* sql = connection->AsSql();
               if (sql == nullptr) {
                 return Status::Invalid("connection '" + connection->name() +
                                        "' has no tables: it is of type " + connection->type());
               }
               MORTAR_ASSIGN_OR_RETURN(BrowseLevel level, ParseBrowseLevel(request.matches[2]));
               sql::TableName where{request.get_param_value("catalog"),
                                    request.get_param_value("schema"),
                                    request.get_param_value("table")};
               return Browse(*sql, level, where);
             }));
    http.Post(
        R"(/api/connections/([A-Za-z0-9_-]+)/authorize)",
        Api([this](const httplib::Request& request, const Caller& caller) -> Result<Json> {
          MORTAR_ASSIGN_OR_RETURN(
              std::string url,
              StartGrant(caller.user, request.matches[1],
                         caller.session_id.empty() ? "" : auth::SessionDigest(caller.session_id)));
          return Json{{"url", url}};
        }));
    http.Put(
        R"(/api/connections/([A-Za-z0-9_-]+)/credentials)",
        Api([this](const httplib::Request& request, const Caller& caller) -> Result<Json> {
          MORTAR_ASSIGN_OR_RETURN(Json body, Body(request));
          if (!body.value("token", Json()).is_string() || body["token"].get<std::string>().empty())
            return Status::Invalid("expected {\"token\": \"...\"}");
          MORTAR_RETURN_IF_ERROR(StorePersonalToken(caller.user, request.matches[1],
                                                    body["token"].get<std::string>()));
          return Json{{"ok", true}};
        }));
    http.Delete(R"(/api/connections/([A-Za-z0-9_-]+)/credentials)",
                Api([this](const httplib::Request& request, const Caller& caller) -> Result<Json> {
                  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(home_));
                  for (const char* field : {"token", "oauth"}) {
                    MORTAR_RETURN_IF_ERROR(vault.Delete(security::UserConnectionSecretSlot(
                        caller.user, request.matches[1], field)));
                  }
                  return Json{{"ok", true}};
                }));
    http.Post("/api/sql", Api([this](const httplib::Request& request, const Caller& caller) {
                return RunSql(request, caller);
              }));
    ChartRoutes(http);
    http.Get(
        "/api/api-keys", Api([this](const auto&, const Caller& caller) -> Result<Json> {
          MORTAR_ASSIGN_OR_RETURN(auto keys, security::ListApiKeys(home_, caller.user));
          Json list = Json::array();
          for (const auto& key : keys)
            list.push_back({{"id", key.id}, {"label", key.label}, {"created_at", key.created_at}});
          return list;
        }));
    http.Post("/api/api-keys",
              Api([this](const httplib::Request& request, const Caller& caller) -> Result<Json> {
                // A key must not breed keys that outlive its revocation.
                if (caller.session_id.empty()) {
                  return Status::PermissionDenied(
                      "an API key cannot create API keys: create them on the web page or "
                      "with 'mortar api-key create'");
                }
                MORTAR_ASSIGN_OR_RETURN(Json body, Body(request));
                MORTAR_ASSIGN_OR_RETURN(
                    std::string key,
                    security::CreateApiKey(home_, caller.user, body.value("label", "")));
                return Json{{"key", key}, {"note", "shown once: store it now"}};
              }));
    http.Delete(
        R"(/api/api-keys/([A-Za-z0-9-]+))",
        Api([this](const httplib::Request& request, const Caller& caller) -> Result<Json> {
          MORTAR_RETURN_IF_ERROR(security::RevokeApiKey(home_, caller.user, request.matches[1]));
          return Json{{"ok", true}};
        }));
    http.Get("/api/oauth2-callback",
             [this](const httplib::Request& request, httplib::Response& response) {
               Callback(request, response);
             });
    http.Post("/api/oauth2-confirm",
              [this](const httplib::Request& request, httplib::Response& response) {
                Confirm(request, response);
              });
  }

  void Login(const httplib::Request& request, httplib::Response& response) {
    // Another site's page must not log a browser in (as the attacker, say).
    if (!FromOwnPage(request)) {
      return ReplyError(response, Status::PermissionDenied("refused: a login must come from "
                                                           "Mortar's own page "
                                                           "(Origin " +
                                                           OriginOf(base_url_) + ")"));
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
    if (int64_t wait = throttle_.SecondsToWait(user, request.remote_addr); wait > 0) {
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
      LoginThrottle::Slot slot(throttle_);
      if (!slot.held()) return std::nullopt;
      return security::Authenticate(home_, user, password);
    }();
    if (!account) {
      response.set_header("Retry-After", "1");
      return ReplyError(response,
                        Status::Cancelled("too many logins at once: try again in a second"), 503);
    }
    if (account->ok()) {
      throttle_.Succeeded(user);
    } else {
      throttle_.Failed(user, request.remote_addr);
    }
    if (!account->ok()) {
      if (form)
        return Page(response, 401, "Log in", LoginForm(next, "Wrong user name or password."));
      return ReplyError(response, account->status());
    }
    std::string id = NewSession((*account)->name);
    std::string cookie = std::string(kCookie) + "=" + id + "; Path=/; HttpOnly; SameSite=Lax";
    if (base_url_.rfind("https://", 0) == 0) cookie += "; Secure";
    response.set_header("Set-Cookie", cookie);
    if (form) {
      // Only back into Mortar's own callback or page: never an open redirect.
      bool safe = next.rfind("/api/oauth2-callback?", 0) == 0 || next == "/";
      response.set_redirect(safe ? next : "/", 303);
      return;
    }
    ReplyJson(response, Json{{"user", (*account)->name}});
  }

  std::string LoginForm(const std::string& next, const std::string& error) {
    return "<h1>Log into Mortar</h1>" +
           (error.empty() ? ""
                          : "<p id='login-error' class='error'>" + EscapeMarkup(error) + "</p>") +
           "<form method='post' action='/api/login'><input type='hidden' name='next' value='" +
           EscapeMarkup(next) +
           "'><label>User <input id='user' name='user' autocomplete='username'></label>"
           "<label>Password <input id='password' name='password' type='password' "
           "autocomplete='current-password'></label><button id='login' type='submit'>Log "
           "in</button></form>";
  }

  Result<std::string> StartGrant(const std::string& user, const std::string& connection_name,
                                 const std::string& session) {
    MORTAR_ASSIGN_OR_RETURN(auto context, ContextFor(user));
    MORTAR_ASSIGN_OR_RETURN(Connection * connection, context->GetConnection(connection_name));
    MORTAR_ASSIGN_OR_RETURN(auth::OAuthClient client, connection->UserGrantClient());
    MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(home_));
    return auth::StartUserGrant(
        vault, client, auth::PendingGrant{user, connection_name, "", redirect_uri_, session, 0});
  }

  Status StorePersonalToken(const std::string& user, const std::string& connection_name,
                            const std::string& token) {
    MORTAR_ASSIGN_OR_RETURN(auto context, ContextFor(user));
    MORTAR_ASSIGN_OR_RETURN(Connection * connection, context->GetConnection(connection_name));
    MORTAR_ASSIGN_OR_RETURN(CredentialState state, connection->Credentials());
    if (!state.per_user || state.method != "personal access token") {
      return Status::Invalid("connection '" + connection_name +
                             "' does not take per-user personal access tokens (" + state.method +
                             ")");
    }
    MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(home_));
    return vault.Put(security::UserConnectionSecretSlot(user, connection_name, "token"), token);
  }

  // A context on the request's project (?project=NAME, or the only one).
  Result<std::unique_ptr<Context>> ProjectContextFor(const std::string& user,
                                                     const httplib::Request& request) {
    MORTAR_ASSIGN_OR_RETURN(auto context, ContextFor(user));
    std::optional<std::string> project;
    if (request.has_param("project")) project = request.get_param_value("project");
    MORTAR_RETURN_IF_ERROR(context->SelectProject(project));
    MORTAR_RETURN_IF_ERROR(context->project().status());
    return context;
  }

  // Charts for the web page: the list, each chart's data as JSON (the live engine, or
  // the cache), and its picture as SVG or PNG for an <img>.
  void ChartRoutes(httplib::Server& http) {
    http.Get("/api/charts",
             Api([this](const httplib::Request& request, const Caller& caller) -> Result<Json> {
               MORTAR_ASSIGN_OR_RETURN(auto context, ProjectContextFor(caller.user, request));
               MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
               MORTAR_ASSIGN_OR_RETURN(auto charts, charts::ListCharts(*project));
               Json list = Json::array();
               for (const auto& spec : charts)
                 list.push_back({{"name", spec.name}, {"dataset", spec.dataset}});
               return Json{{"project", project->name()}, {"charts", list}};
             }));
    http.Get(R"(/api/charts/([A-Za-z0-9_-]+))",
             Api([this](const httplib::Request& request, const Caller& caller) -> Result<Json> {
               MORTAR_ASSIGN_OR_RETURN(auto chart, ComputeChart(request, caller));
               return charts::ChartDataJson(chart.first, chart.second);
             }));
    http.Get(R"(/api/charts/([A-Za-z0-9_-]+)\.(svg|png))",
             [this](const httplib::Request& request, httplib::Response& response) {
               auto caller = Authenticate(request);
               if (!caller.ok()) return ReplyError(response, caller.status());
               auto chart = ComputeChart(request, *caller);
               if (!chart.ok()) return ReplyError(response, chart.status());
               std::string svg = charts::RenderSvg(chart->first, chart->second);
               response.set_header("Cache-Control", "no-store");
               if (request.matches[2] == "svg") {
                 return response.set_content(svg, "image/svg+xml");
               }
               auto png = charts::RenderPng(svg);
               if (!png.ok()) return ReplyError(response, png.status());
               response.set_content(*png, "image/png");
             });
  }

  Result<std::pair<charts::ChartSpec, charts::ChartData>> ComputeChart(
      const httplib::Request& request, const Caller& caller) {
    MORTAR_ASSIGN_OR_RETURN(auto context, ProjectContextFor(caller.user, request));
    MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
    MORTAR_ASSIGN_OR_RETURN(charts::ChartSpec spec,
                            charts::LoadChart(*project, request.matches[1]));
    MORTAR_ASSIGN_OR_RETURN(
        charts::ChartData data,
        charts::ComputeChart(*context, spec, std::filesystem::temp_directory_path()));
    return std::make_pair(std::move(spec), std::move(data));
  }

  Result<Json> RunSql(const httplib::Request& request, const Caller& caller) {
    MORTAR_ASSIGN_OR_RETURN(Json body, Body(request));
    std::string name = body.value("connection", "");
    std::string query = body.value("query", "");
    int64_t limit = body.value("limit", int64_t{100});
    if (name.empty() || query.empty())
      return Status::Invalid("expected {\"connection\", \"query\"}");
    MORTAR_ASSIGN_OR_RETURN(auto context, ContextFor(caller.user));
    MORTAR_RETURN_IF_ERROR(
        context->RequireConnectionRight(name, security::ConnectionRight::kFreeSql));
    MORTAR_ASSIGN_OR_RETURN(Connection * connection, context->GetConnection(name));
    SqlConnection* sql = connection->AsSql();
    if (sql == nullptr) return Status::Invalid("connection '" + name + "' runs no SQL");
    MORTAR_ASSIGN_OR_RETURN(auto reader, sql->Query(query));
    Json columns = Json::array();
    for (const auto& column : reader->schema().columns()) columns.push_back(column.name);
    Json rows = Json::array();
    while (static_cast<int64_t>(rows.size()) < limit) {
      MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
      if (!batch) break;
      for (int64_t row = 0; row < batch->num_rows() && static_cast<int64_t>(rows.size()) < limit;
           ++row) {
        Json values = Json::array();
        for (int column = 0; column < batch->num_columns(); ++column) {
          const auto& array = *batch->column(column);
          values.push_back(array.IsNull(row) ? Json() : Json(CellToText(array, row)));
        }
        rows.push_back(std::move(values));
      }
    }
    return Json{{"columns", columns}, {"rows", rows}};
  }

  void Callback(const httplib::Request& request, httplib::Response& response) {
    auto fail = [&](int status, const std::string& message) {
      Page(response, status, "Authorization failed",
           "<h1>Authorization failed</h1><p id='oauth-error' class='error'>" +
               EscapeMarkup(message) + "</p><p><a href='/'>Back to Mortar</a></p>");
    };
    std::string state = request.get_param_value("state");
    auto caller = SessionCaller(request);
    if (!caller) {
      // Started from the CLI, or the session ended: log in, then come back here.
      std::string next =
          "/api/oauth2-callback?" + httplib::detail::params_to_query_str(request.params);
      return Page(response, 200, "Log in",
                  LoginForm(next, "Log into Mortar to finish the authorization."));
    }
    auto vault = security::Vault::Open(home_);
    if (!vault.ok()) return fail(500, vault.status().message());
    auto pending = auth::TakePendingGrant(*vault, state);
    if (!pending.ok()) return fail(400, pending.status().message());
    if (request.has_param("error")) {
      return fail(400, "the authorization server refused: " + request.get_param_value("error") +
                           " " + request.get_param_value("error_description"));
    }
    if (pending->user != caller->user ||
        (!pending->session.empty() &&
         pending->session != auth::SessionDigest(caller->session_id))) {
      return fail(403,
                  "this authorization was started by another user or in another browser "
                  "session; start again with Authorize");
    }
    if (pending->redirect_uri != redirect_uri_) {
      return fail(400, "this authorization was started for the redirect URI " +
                           pending->redirect_uri + ", but this server's is " + redirect_uri_ +
                           "; start again from this server");
    }
    std::string code = request.get_param_value("code");
    if (code.empty()) return fail(400, "the authorization server sent no code");
    if (pending->session.empty()) {
      // Started from the CLI or with an API key: bound to no browser, so this browser's
      // user confirms first (a link from someone else must not attach their grant).
      std::string token = auth::RandomUrlSafe();
      {
        std::lock_guard<std::mutex> lock(sessions_mutex_);
        auto now = std::chrono::steady_clock::now();
        std::erase_if(held_grants_, [&](const auto& entry) { return entry.second.expires < now; });
        held_grants_[token] = HeldGrant{*pending, code, auth::SessionDigest(caller->session_id),
                                        now + kHeldGrantLifetime};
      }
      return Page(response, 200, "Confirm the authorization",
                  "<h1>Confirm the authorization</h1><p id='confirm-text'>Store the sign-in you "
                  "just made as the credentials of Mortar user <strong>" +
                      EscapeMarkup(pending->user) + "</strong> for connection <strong>" +
                      EscapeMarkup(pending->connection) +
                      "</strong>? Confirm only if you started this authorization yourself.</p>"
                      "<form method='post' action='/api/oauth2-confirm'><input type='hidden' "
                      "name='token' value='" +
                      token +
                      "'><button id='confirm' type='submit'>Confirm</button> <a "
                      "href='/'>Cancel</a></form>");
    }
    FinishGrant(response, *vault, *pending, code);
  }

  void Confirm(const httplib::Request& request, httplib::Response& response) {
    auto fail = [&](int status, const std::string& message) {
      Page(response, status, "Authorization failed",
           "<h1>Authorization failed</h1><p id='oauth-error' class='error'>" +
               EscapeMarkup(message) + "</p><p><a href='/'>Back to Mortar</a></p>");
    };
    auto caller = SessionCaller(request);
    if (!caller || !FromOwnPage(request))
      return fail(403, "confirm from Mortar's page, logged in as the user who started it");
    std::optional<HeldGrant> held;
    {
      std::lock_guard<std::mutex> lock(sessions_mutex_);
      auto it = held_grants_.find(request.get_param_value("token"));
      if (it != held_grants_.end()) {
        held = std::move(it->second);
        held_grants_.erase(it);
      }
    }
    if (!held || held->expires < std::chrono::steady_clock::now())
      return fail(400, "this confirmation is unknown or has expired; start again with Authorize");
    if (held->session != auth::SessionDigest(caller->session_id) ||
        held->pending.user != caller->user)
      return fail(403, "this authorization was confirmed from another session; start again");
    auto vault = security::Vault::Open(home_);
    if (!vault.ok()) return fail(500, vault.status().message());
    FinishGrant(response, *vault, held->pending, held->code);
  }

  // Exchanges the code and stores the grant in the user's slot; the answer to the browser.
  void FinishGrant(httplib::Response& response, const security::Vault& vault,
                   const auth::PendingGrant& pending, const std::string& code) {
    Status stored = [&]() -> Status {
      MORTAR_ASSIGN_OR_RETURN(auto context, ContextFor(pending.user));
      MORTAR_ASSIGN_OR_RETURN(Connection * connection, context->GetConnection(pending.connection));
      MORTAR_ASSIGN_OR_RETURN(auth::OAuthClient client, connection->UserGrantClient());
      MORTAR_ASSIGN_OR_RETURN(auth::TokenGrant grant,
                              client.ExchangeCode(code, pending.verifier, redirect_uri_));
      return auth::StoreUserGrant(
          vault, security::UserConnectionSecretSlot(pending.user, pending.connection, "oauth"),
          grant);
    }();
    if (!stored.ok()) {
      return Page(response, HttpStatusOf(stored), "Authorization failed",
                  "<h1>Authorization failed</h1><p id='oauth-error' class='error'>" +
                      EscapeMarkup(stored.message()) + "</p><p><a href='/'>Back to Mortar</a></p>");
    }
    Log("user " + pending.user + " authorized connection " + pending.connection);
    response.set_redirect("/?authorized=" + pending.connection, 303);
  }

  config::Home home_;
  std::shared_ptr<const Registry> registry_;
  ServerOptions options_;
  std::string base_url_;
  std::string redirect_uri_;
  std::ostream& log_;
  std::mutex log_mutex_;
  std::shared_ptr<auth::TokenSourceCache> tokens_;
  TicketStore tickets_;
  DataApi data_api_;
  std::mutex sessions_mutex_;
  std::map<std::string, Session> sessions_;
  std::map<std::string, HeldGrant> held_grants_;  // by confirmation token
  LoginThrottle throttle_;
};

void OnTerminate(int) {
  InterruptRequested() = true;
}

}  // namespace

Result<ServerOptions> LoadServerSettings(const config::Home& home) {
  ServerOptions options;
  MORTAR_ASSIGN_OR_RETURN(Json json, config::ReadJsonFile(home.root() / "mortar.json"));
  if (json.contains("server") && json["server"].is_object()) {
    options.base_url = json["server"].value("base_url", "");
    options.host = json["server"].value("host", options.host);
    options.port = json["server"].value("port", options.port);
  }
  return options;
}

Status SaveServerSettings(const config::Home& home, const ServerOptions& options) {
  MORTAR_ASSIGN_OR_RETURN(Json json, config::ReadJsonFile(home.root() / "mortar.json"));
  json["server"] = {{"base_url", options.base_url}, {"host", options.host}, {"port", options.port}};
  return config::WriteJsonFile(home.root() / "mortar.json", json);
}

std::string EffectiveBaseUrl(const config::Home& home, const ServerOptions& options) {
  std::string base = options.base_url;
  if (base.empty()) {
    auto saved = LoadServerSettings(home);
    if (saved.ok()) base = saved->base_url;
  }
  if (base.empty()) base = "http://" + options.host + ":" + std::to_string(options.port);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

Status Serve(const config::Home& home, const ServerOptions& options,
             std::shared_ptr<const Registry> registry, std::ostream& log) {
  std::signal(SIGTERM, OnTerminate);
  Server server(home, options, std::move(registry), log);
  return server.Run();
}

}  // namespace mortar::server
