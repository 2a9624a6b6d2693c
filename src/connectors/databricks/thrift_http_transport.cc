#include "connectors/databricks/thrift_http_transport.h"

#include <thrift/transport/TTransportException.h>

#include <algorithm>
#include <cstring>

#include "mortar/http/http_error_detail.h"
#include "mortar/http/url.h"

namespace mortar::databricks {

using apache::thrift::transport::TTransportException;

namespace {

// Keeps a server message printable and short.
std::string Clean(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > 500) text = text.substr(0, 500) + "...";
  return text;
}

}  // namespace

Status HttpError(const std::string& connection_name, const std::string& url,
                 const http::Response& response) {
  std::string server;
  for (const char* header :
       {"x-thriftserver-error-message", "x-databricks-error-or-redirect-message",
        "x-databricks-reason-phrase"}) {
    if (auto value = response.Header(header); value && !value->empty()) {
      server = *value;
      break;
    }
  }
  if (server.empty()) server = response.body;
  server = Clean(server);
  std::string prefix = "connection '" + connection_name + "': ";
  std::string status = "HTTP " + std::to_string(response.status);
  std::string said = server.empty() ? "" : ": " + server;
  Status error;
  switch (response.status) {
    case 401:
    case 403:
      error = Status::Auth(prefix + "the workspace refused the credentials (" + status + said +
                           "); check the token: it may be wrong, expired or revoked");
      break;
    case 404:
      error =
          Status::NotFound(prefix + "nothing answers at " + http::RedactUrl(url) + " (" + status +
                           said + "); check the HTTP path (/sql/1.0/warehouses/<id>) and the host");
      break;
    default:
      error = Status::Remote(prefix + "the workspace answered " + status + said);
  }
  return error.WithDetail(http::HttpErrorDetail(response.status));
}

ThriftHttpTransport::ThriftHttpTransport(std::string connection_name, std::string url,
                                         http::Transport* http, auth::TokenSource* tokens,
                                         http::RetryPolicy retry)
    : TVirtualTransport(std::make_shared<apache::thrift::TConfiguration>(kMaxReplyBytes)),
      connection_name_(std::move(connection_name)),
      url_(std::move(url)),
      http_(http),
      tokens_(tokens),
      retry_(std::move(retry)) {}

uint32_t ThriftHttpTransport::read(uint8_t* buffer, uint32_t length) {
  std::size_t available = response_.size() - read_position_;
  auto count = static_cast<uint32_t>(std::min<std::size_t>(available, length));
  std::memcpy(buffer, response_.data() + read_position_, count);
  read_position_ += count;
  countConsumedMessageBytes(count);
  return count;
}

void ThriftHttpTransport::write(const uint8_t* buffer, uint32_t length) {
  request_.append(reinterpret_cast<const char*>(buffer), length);
}

void ThriftHttpTransport::flush() {
  std::string body;
  body.swap(request_);
  response_.clear();
  read_position_ = 0;
  resetConsumedMessageSize();
  auto authorization = tokens_->AuthorizationHeader();
  if (!authorization.ok()) {
    last_error_ = authorization.status();
    throw TTransportException(TTransportException::NOT_OPEN, "no credentials");
  }
  http::Request request;
  request.method = "POST";
  request.url = url_;
  request.body = std::move(body);
  request.max_response_bytes = kMaxReplyBytes;
  request.send_once = !repeatable_;
  request.headers = {{"Content-Type", "application/x-thrift"},
                     {"Accept", "application/x-thrift"},
                     {"User-Agent", "Mortar/0.1"},
                     {"Authorization", *authorization}};
  http::RetryPolicy policy = retry_;
  policy.unavailable_needs_retry_after = !repeatable_;
  auto response = http::SendWithRetry(*http_, request, policy, http::SystemClock());
  if (!response.ok()) {
    last_error_ = response.status().WithContext("connection '" + connection_name_ + "'");
    throw TTransportException(TTransportException::UNKNOWN, "request failed");
  }
  if (response->status != 200) {
    last_error_ = HttpError(connection_name_, url_, *response);
    throw TTransportException(TTransportException::UNKNOWN, "HTTP error");
  }
  response_ = std::move(response->body);
  // What the reply may still hold is what it has: Thrift checks each list, set and
  // map size it reads against it before allocating.
  resetConsumedMessageSize(static_cast<long>(response_.size()));
}

}  // namespace mortar::databricks
