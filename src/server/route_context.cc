#include "server/route_context.h"

#include "mortar/core/parse_integer.h"
#include "mortar/security/accounts.h"
#include "server/body_reply.h"
#include "server/error_reply.h"

namespace mortar::server {

void RouteContext::Log(const std::string& line) {
  std::lock_guard<std::mutex> lock(log_mutex_);
  log_ << line << std::endl;
}

Result<Caller> RouteContext::Authenticate(const httplib::Request& request) {
  std::string authorization = request.get_header_value("Authorization");
  if (authorization.rfind("Bearer ", 0) == 0) {
    MORTAR_ASSIGN_OR_RETURN(std::string user,
                            security::UserForApiKey(home_, authorization.substr(7)));
    return Caller{user, ""};
  }
  auto caller = sessions_.Find(request);
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

bool RouteContext::FromOwnPage(const httplib::Request& request) const {
  std::string site = request.get_header_value("Sec-Fetch-Site");
  if (!site.empty() && site != "same-origin") return false;
  std::string origin = request.get_header_value("Origin");
  if (origin.empty() || origin == OriginOf(base_url_)) return true;
  // The address the browser used (a page on another site cannot change Host).
  std::string scheme = base_url_.substr(0, base_url_.find("://"));
  std::string host = request.get_header_value("Host");
  return !host.empty() && origin == scheme + "://" + host;
}

httplib::Server::Handler RouteContext::Api(Handler handler) {
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
    response.set_header("Cache-Control", "no-store");
    ReplyBody(request, response, result->dump(), "application/json");
  };
}

Result<std::unique_ptr<Context>> RouteContext::ContextFor(const std::string& user) const {
  MORTAR_RETURN_IF_ERROR(home_.FindUser(user).status());
  return std::make_unique<Context>(home_, registry_, user, tokens_);
}

Result<std::unique_ptr<Context>> RouteContext::ProjectContextFor(
    const std::string& user, const httplib::Request& request) const {
  MORTAR_ASSIGN_OR_RETURN(auto context, ContextFor(user));
  std::optional<std::string> project;
  if (request.has_param("project")) project = request.get_param_value("project");
  MORTAR_RETURN_IF_ERROR(context->SelectProject(project));
  MORTAR_RETURN_IF_ERROR(context->project().status());
  return context;
}

Result<Json> JsonBody(const httplib::Request& request) {
  Json body = Json::parse(request.body, nullptr, false);
  if (!body.is_object()) return Status::Invalid("expected a JSON object in the request body");
  return body;
}

Result<int64_t> BoundedIntegerParam(const httplib::Request& request, const std::string& name,
                                    int64_t fallback, int64_t least, int64_t most) {
  if (!request.has_param(name)) return fallback;
  auto value = ParseInteger(request.get_param_value(name));
  if (!value || *value < least || *value > most)
    return Status::Invalid(name + " must be a whole number from " + std::to_string(least) + " to " +
                           std::to_string(most));
  return *value;
}

std::string OriginOf(const std::string& url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  std::size_t path = url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

}  // namespace mortar::server
