#include "server/error_reply.h"

#include <string>

#include "mortar/config/document.h"

namespace mortar::server {

Status WithReplyKind(Status status, const std::string& kind) {
  return status.WithDetail(ReplyKindDetail(kind));
}

int HttpStatusOf(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kInvalidInput:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
    // A connection's credentials refused is not the caller's session: 403, never a 401
    // that would send a browser back to the login.
    case ErrorCode::kAuth:
      return 403;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kRemote:
      return 502;
    case ErrorCode::kCancelled:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

void ReplyJson(httplib::Response& response, const nlohmann::json& body, int http_status) {
  response.status = http_status;
  response.set_header("Cache-Control", "no-store");
  response.set_content(body.dump(), "application/json");
}

void ReplyError(httplib::Response& response, const Status& status) {
  if (const auto* wait = status.detail<RetryAfterDetail>()) {
    response.set_header("Retry-After", std::to_string(wait->seconds));
    return ReplyError(response, status, 429);
  }
  ReplyError(response, status, HttpStatusOf(status));
}

void ReplyError(httplib::Response& response, const Status& status, int http_status) {
  nlohmann::json body = {{"error", status.message()}, {"code", ErrorCodeName(status.code())}};
  if (const auto* kind = status.detail<ReplyKindDetail>()) {
    body["kind"] = kind->kind;
  } else if (status.code() == ErrorCode::kPermissionDenied) {
    body["kind"] = "forbidden";  // a role or right the user lacks (PermissionDeniedError)
  }
  // The configuration field that is wrong (params.keys), for forms to show it there.
  if (const auto* field = status.detail<config::ConfigFieldDetail>()) body["field"] = field->field;
  ReplyJson(response, body, http_status);
}

}  // namespace mortar::server
