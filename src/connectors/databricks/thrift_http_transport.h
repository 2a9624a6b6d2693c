// Thrift over HTTP: each Thrift call's bytes are POSTed to the warehouse path with
// the bearer token, through Mortar's HTTP client (TLS, keep-alive, retries on 429 and
// 503 honouring Retry-After). Internal to the Databricks connector. Not thread-safe.
#pragma once

#include <thrift/transport/TVirtualTransport.h>

#include <memory>
#include <string>

#include "mortar/auth/token_source.h"
#include "mortar/http/client.h"

namespace mortar::databricks {

// The largest reply accepted: far above a page of results (Databricks' inline pages
// are a few MiB, larger results come by CloudFetch), far below what would exhaust memory.
inline constexpr int kMaxReplyBytes = 1 << 30;

class ThriftHttpTransport final
    : public apache::thrift::transport::TVirtualTransport<ThriftHttpTransport> {
 public:
  ThriftHttpTransport(std::string connection_name, std::string url, http::Transport* http,
                      auth::TokenSource* tokens, http::RetryPolicy retry);

  bool isOpen() const override { return true; }
  void open() override {}
  void close() override {}
  uint32_t read(uint8_t* buffer, uint32_t length);
  void write(const uint8_t* buffer, uint32_t length);
  void flush() override;

  // Whether the next call may be sent again after a 503 without Retry-After: not for
  // calls that may run twice or move a cursor.
  void SetRepeatable(bool repeatable) { repeatable_ = repeatable; }

  // Why the last call failed, when it failed below Thrift (HTTP, TLS, auth).
  const Status& last_error() const { return last_error_; }
  void ClearError() { last_error_ = Status::OK(); }

 private:
  std::string connection_name_;
  std::string url_;
  http::Transport* http_;
  auth::TokenSource* tokens_;
  http::RetryPolicy retry_;
  bool repeatable_ = true;
  std::string request_;
  std::string response_;
  std::size_t read_position_ = 0;
  Status last_error_;
};

// The message of a failed HTTP exchange with the workspace, saying what to do.
Status HttpError(const std::string& connection_name, const std::string& url,
                 const http::Response& response);

}  // namespace mortar::databricks
