#include "mortar/server/server.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "mortar/auth/oauth_client.h"
#include "mortar/core/interrupt.h"
#include "server/api_routes.h"
#include "server/body_limits.h"
#include "server/body_reply.h"
#include "server/data_api.h"
#include "server/error_reply.h"
#include "server/openapi_document.h"
#include "server/route_table.h"
#include "server/web_page.h"

namespace mortar::server {

namespace {

// Where web/src/index.html takes the page's style nonce.
constexpr std::string_view kNoncePlaceholder = "__CSP_NONCE__";

// A request's path as the access log writes it: httplib has decoded it, so a %0A in the
// URL would start a line of the caller's making. Control bytes go back to %XX.
std::string LoggedPath(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string logged;
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7F) {
      logged += '%';
      logged += kHex[c >> 4];
      logged += kHex[c & 0xF];
    } else {
      logged += static_cast<char>(c);
    }
  }
  return logged;
}

// The HTTP server: the web page, the REST API's route groups (api_routes.h) and the
// data API of the Python package, until SIGINT or SIGTERM.
class Server {
 public:
  Server(config::Home home, ServerOptions options, std::shared_ptr<const Registry> registry,
         std::ostream& log)
      : options_(std::move(options)),
        tokens_(std::make_shared<auth::TokenSourceCache>()),
        routes_(home, registry, EffectiveBaseUrl(home, options_), tokens_, log),
        data_api_(home, registry, tokens_, tickets_) {}

  Status Run() {
    httplib::Server http;
    http.new_task_queue = [threads = options_.threads] { return new httplib::ThreadPool(threads); };
    Routes(http);
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
    routes_.Log("mortar server listening on http://" + options_.host + ":" +
                std::to_string(options_.port) + " (base URL " + routes_.base_url() +
                ", OAuth redirect URI " + routes_.redirect_uri() + ")");
    bool ok = http.listen_after_bind();
    done = true;
    watcher.join();
    routes_.Log("mortar server stopped");
    return ok || InterruptRequested() ? Status::OK()
                                      : Status::Internal("the server stopped on an error");
  }

 private:
  void Routes(httplib::Server& server) {
    RouteTable http(server);
    GuardRequestBodies(server, data_api_);
    server.set_logger([this](const httplib::Request& request, const httplib::Response& response) {
      auto caller = routes_.sessions().Find(request);
      // The path only: callback queries hold the authorization code and state.
      routes_.Log(request.method + " " + LoggedPath(request.path) + " " +
                  std::to_string(response.status) + (caller ? " user=" + caller->user : ""));
    });
    http.Get("/", [](const httplib::Request& request, httplib::Response& response) {
      // Scripts from Mortar's own address only; styles also when they carry this page's
      // nonce (the code editor makes its style sheets at run time); images also as data:
      // URLs (a chart drawn before it is saved; an image runs no script).
      std::string nonce = auth::RandomUrlSafe();
      response.set_header(
          "Content-Security-Policy",
          "default-src 'self'; style-src 'self' 'nonce-" + nonce + "'; img-src 'self' data:");
      response.set_header("Cache-Control", "no-store");
      std::string page(WebPageHtml());
      std::size_t at = page.find(kNoncePlaceholder);
      if (at != std::string::npos) page.replace(at, kNoncePlaceholder.size(), nonce);
      ReplyBody(request, response, std::move(page), "text/html; charset=utf-8");
    });
    http.Get("/app.js", [this](const httplib::Request& request, httplib::Response& response) {
      script_.Reply(request, response);
    });
    http.Get("/app.css", [this](const httplib::Request& request, httplib::Response& response) {
      style_.Reply(request, response);
    });
    AddApiRoutes(http, routes_, throttle_, data_api_);
  }

  ServerOptions options_;
  std::shared_ptr<auth::TokenSourceCache> tokens_;
  RouteContext routes_;
  TicketStore tickets_;
  DataApi data_api_;
  LoginThrottle throttle_;
  // The studio's script and style sheet, compressed once (the page has a nonce per answer).
  StaticBody script_{WebPageScript(), "text/javascript; charset=utf-8"};
  StaticBody style_{WebPageStyle(), "text/css; charset=utf-8"};
};

void OnTerminate(int) {
  InterruptRequested() = true;
}

}  // namespace

void AddApiRoutes(RouteTable& http, RouteContext& routes, LoginThrottle& throttle,
                  DataApi& data_api) {
  http.Get("/api/openapi.json", [](const httplib::Request& request, httplib::Response& response) {
    static const StaticBody document(OpenApiDocument(), "application/json");
    document.Reply(request, response);
  });
  AddAccountRoutes(http, routes, throttle);
  AddConnectionRoutes(http, routes);
  AddConnectionAdminRoutes(http, routes);
  AddSqlRoute(http, routes);
  AddChartRoutes(http, routes);
  AddFlowRoutes(http, routes);
  AddDatasetRoutes(http, routes);
  AddRecipeRoutes(http, routes);
  AddAccessRoutes(http, routes, throttle);
  AddOAuthCallbackRoutes(http, routes);
  data_api.Register(http);
}

Status Serve(const config::Home& home, const ServerOptions& options,
             std::shared_ptr<const Registry> registry, std::ostream& log) {
  std::signal(SIGTERM, OnTerminate);
  Server server(home, options, std::move(registry), log);
  return server.Run();
}

}  // namespace mortar::server
