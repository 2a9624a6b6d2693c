// How both servers (the REST API and the data API) answer: JSON bodies, and errors
// as {"error": message, "code": the error code's name, "kind": ...}. The one place
// where a Status becomes an HTTP status.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "mortar/core/status.h"

namespace mortar::server {

// 400 invalid input, 401 unauthenticated, 403 permission denied or refused
// credentials, 404 not found, 409 conflict, 502 remote, 503 cancelled, 500 internal.
int HttpStatusOf(const Status& status);

// What kind of failure an error reply reports, beyond its code, for the Python
// package's exception classes ("ticket", "unknown_dataset", "stream"...).
class ReplyKindDetail final : public StatusDetail {
 public:
  explicit ReplyKindDetail(std::string kind) : kind(std::move(kind)) {}
  std::string ToString() const override { return "kind=" + kind; }

  std::string kind;
};

// A refusal that waiting ends (too many wrong passwords): answered 429, with
// Retry-After.
class RetryAfterDetail final : public StatusDetail {
 public:
  explicit RetryAfterDetail(int64_t seconds) : seconds(seconds) {}
  std::string ToString() const override { return "retry_after=" + std::to_string(seconds); }

  int64_t seconds;
};

// The status with a ReplyKindDetail.
Status WithReplyKind(Status status, const std::string& kind);

// A JSON body, never cached.
void ReplyJson(httplib::Response& response, const nlohmann::json& body, int http_status = 200);

// The error reply. "kind" (for the Python package's exception classes) is the
// status's ReplyKindDetail, or "forbidden" for a permission denied.
void ReplyError(httplib::Response& response, const Status& status);
// For the server's own refusals that no error code names (413 body too large,
// 429 too many failed logins, 503 too many logins at once).
void ReplyError(httplib::Response& response, const Status& status, int http_status);

}  // namespace mortar::server
