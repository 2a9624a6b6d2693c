// The server's own small HTML pages, outside the web application: the login form and
// the OAuth callback's answers. Every value put in them is escaped.
#pragma once

#include <httplib.h>

#include <string>

namespace mortar::server {

// A page with Mortar's style sheet, never cached, no script allowed.
void ReplyPage(httplib::Response& response, int status, const std::string& title,
               const std::string& body_html);

// The login form, posting to /api/login and then going to `next`; `error` above it.
std::string LoginForm(const std::string& next, const std::string& error);

}  // namespace mortar::server
