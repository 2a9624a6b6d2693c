#include "server/html_page.h"

#include "mortar/core/markup_escape.h"

namespace mortar::server {

void ReplyPage(httplib::Response& response, int status, const std::string& title,
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

}  // namespace mortar::server
