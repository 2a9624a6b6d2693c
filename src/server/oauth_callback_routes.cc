#include "mortar/auth/authorization_flow.h"
#include "mortar/auth/oauth_token_sources.h"
#include "mortar/core/markup_escape.h"
#include "mortar/security/accounts.h"
#include "mortar/security/vault.h"
#include "server/api_routes.h"
#include "server/error_reply.h"
#include "server/html_page.h"

namespace mortar::server {

namespace {

// An OAuth grant started outside a browser session (the CLI, an API key), back at the
// callback with its code: it waits for the logged-in user to confirm in this browser.
struct HeldGrant {
  auth::PendingGrant pending;
  std::string code;
  std::string session;  // the digest of the browser session that must confirm
  std::chrono::steady_clock::time_point expires;
};
constexpr auto kHeldGrantLifetime = std::chrono::minutes(5);

// The callback and the confirmation, with the grants waiting for confirmation.
class OAuthCallback {
 public:
  explicit OAuthCallback(RouteContext& routes) : routes_(routes) {}

  void Callback(const httplib::Request& request, httplib::Response& response) {
    auto fail = [&](int status, const std::string& message) {
      ReplyPage(response, status, "Authorization failed",
                "<h1>Authorization failed</h1><p id='oauth-error' class='error'>" +
                    EscapeMarkup(message) + "</p><p><a href='/'>Back to Mortar</a></p>");
    };
    std::string state = request.get_param_value("state");
    auto caller = routes_.sessions().Find(request);
    if (!caller) {
      // Started from the CLI, or the session ended: log in, then come back here.
      std::string next =
          "/api/oauth2-callback?" + httplib::detail::params_to_query_str(request.params);
      return ReplyPage(response, 200, "Log in",
                       LoginForm(next, "Log into Mortar to finish the authorization."));
    }
    auto vault = security::Vault::Open(routes_.home());
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
    if (pending->redirect_uri != routes_.redirect_uri()) {
      return fail(400, "this authorization was started for the redirect URI " +
                           pending->redirect_uri + ", but this server's is " +
                           routes_.redirect_uri() + "; start again from this server");
    }
    std::string code = request.get_param_value("code");
    if (code.empty()) return fail(400, "the authorization server sent no code");
    if (pending->session.empty()) {
      // Started from the CLI or with an API key: bound to no browser, so this browser's
      // user confirms first (a link from someone else must not attach their grant).
      std::string token = auth::RandomUrlSafe();
      {
        std::lock_guard<std::mutex> lock(held_mutex_);
        auto now = std::chrono::steady_clock::now();
        std::erase_if(held_grants_, [&](const auto& entry) { return entry.second.expires < now; });
        held_grants_[token] = HeldGrant{*pending, code, auth::SessionDigest(caller->session_id),
                                        now + kHeldGrantLifetime};
      }
      return ReplyPage(
          response, 200, "Confirm the authorization",
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
      ReplyPage(response, status, "Authorization failed",
                "<h1>Authorization failed</h1><p id='oauth-error' class='error'>" +
                    EscapeMarkup(message) + "</p><p><a href='/'>Back to Mortar</a></p>");
    };
    auto caller = routes_.sessions().Find(request);
    if (!caller || !routes_.FromOwnPage(request))
      return fail(403, "confirm from Mortar's page, logged in as the user who started it");
    std::optional<HeldGrant> held;
    {
      std::lock_guard<std::mutex> lock(held_mutex_);
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
    auto vault = security::Vault::Open(routes_.home());
    if (!vault.ok()) return fail(500, vault.status().message());
    FinishGrant(response, *vault, held->pending, held->code);
  }

 private:
  // Exchanges the code and stores the grant in the user's slot; the answer to the browser.
  void FinishGrant(httplib::Response& response, const security::Vault& vault,
                   const auth::PendingGrant& pending, const std::string& code) {
    Status stored = [&]() -> Status {
      MORTAR_ASSIGN_OR_RETURN(auto context, routes_.ContextFor(pending.user));
      MORTAR_ASSIGN_OR_RETURN(Connection * connection, context->GetConnection(pending.connection));
      MORTAR_ASSIGN_OR_RETURN(auth::OAuthClient client, connection->UserGrantClient());
      MORTAR_ASSIGN_OR_RETURN(auth::TokenGrant grant,
                              client.ExchangeCode(code, pending.verifier, routes_.redirect_uri()));
      return auth::StoreUserGrant(
          vault, security::UserConnectionSecretSlot(pending.user, pending.connection, "oauth"),
          grant);
    }();
    if (!stored.ok()) {
      return ReplyPage(response, HttpStatusOf(stored), "Authorization failed",
                       "<h1>Authorization failed</h1><p id='oauth-error' class='error'>" +
                           EscapeMarkup(stored.message()) +
                           "</p><p><a href='/'>Back to Mortar</a></p>");
    }
    routes_.Log("user " + pending.user + " authorized connection " + pending.connection);
    response.set_redirect("/?authorized=" + pending.connection, 303);
  }

  RouteContext& routes_;
  std::mutex held_mutex_;
  std::map<std::string, HeldGrant> held_grants_;  // by confirmation token
};

}  // namespace

void AddOAuthCallbackRoutes(RouteTable& http, RouteContext& routes) {
  auto callback = std::make_shared<OAuthCallback>(routes);
  http.Get("/api/oauth2-callback",
           [callback](const httplib::Request& request, httplib::Response& response) {
             callback->Callback(request, response);
           });
  http.Post("/api/oauth2-confirm",
            [callback](const httplib::Request& request, httplib::Response& response) {
              callback->Confirm(request, response);
            });
}

}  // namespace mortar::server
