// A session with a Databricks SQL warehouse or a Spark Thrift server: OpenSession with
// server detection, statements run asynchronously with polling, a query time-out and
// cancellation, results streamed page by page, metadata calls, and CloseOperation and
// CloseSession always. Internal to the connector. Not thread-safe: one per connection.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "connectors/databricks/backend.h"
#include "connectors/databricks/thrift_http_transport.h"
#include "mortar/auth/token_source.h"
#include "mortar/core/batch.h"
#include "mortar/http/client.h"

namespace mortar::databricks {

namespace wire {
class TCLIServiceClient;
class TOperationHandle;
class TSessionHandle;
}  // namespace wire

struct SessionOptions {
  std::string connection_name;
  std::string url;  // https://host:port/sql/1.0/warehouses/<id>
  std::string catalog;
  std::string schema;
  std::chrono::seconds query_timeout{0};  // 0: none
  int64_t page_rows = 100000;
  http::RetryPolicy retry;
  // CloudFetch: files downloaded at once, each over a transport of its own.
  int cloudfetch_downloads = 3;
  std::function<Result<std::unique_ptr<http::Transport>>()> download_transport;
  // Waits and time stamps (link expiry); the system clock unless a test sets one.
  http::Clock* clock = nullptr;
};

// What OpenSession learned about the server.
struct ServerInfo {
  int64_t protocol_version = 0;
  bool databricks = false;  // Spark protocol versions: Arrow, direct results, CloudFetch
  std::string ProtocolName() const;
  // The result forms the negotiated version offers, as Databricks' drivers gate them.
  bool ArrowResults() const;  // SPARK_CLI_SERVICE_PROTOCOL_V5
  bool Lz4Results() const;    // V6
  bool CloudFetch() const;    // V3
};

class Session final : public Backend {
 public:
  static Result<std::unique_ptr<Session>> Open(const SessionOptions& options,
                                               std::unique_ptr<http::Transport> http,
                                               std::unique_ptr<auth::TokenSource> tokens);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const ServerInfo& server() const { return server_; }
  const SessionOptions& options() const { return options_; }

  // Runs a query and streams its rows. Column-based results describe nested values
  // and TIMESTAMP_NTZ poorly; `declared` (the same columns, exact types) overrides.
  Result<std::unique_ptr<BatchReader>> Query(
      const std::string& sql, const std::optional<Schema>& declared = std::nullopt) override;
  // Runs a statement to completion, discarding any rows.
  Status Execute(const std::string& sql) override;

  Result<std::unique_ptr<BatchReader>> Catalogs() override;
  Result<std::unique_ptr<BatchReader>> Schemas(const std::string& catalog) override;
  Result<std::unique_ptr<BatchReader>> Tables(const std::string& catalog,
                                              const std::string& schema) override;
  Result<std::unique_ptr<BatchReader>> Columns(const std::string& catalog,
                                               const std::string& schema,
                                               const std::string& table) override;
  bool ExactMetadata() const override { return server_.databricks; }
  TestReport Describe() const override;

 public:
  class Impl;  // opaque: the Thrift client and the generated types stay in session.cc

 private:
  Session(SessionOptions options, std::unique_ptr<Impl> impl, ServerInfo server);
  SessionOptions options_;
  std::unique_ptr<Impl> impl_;
  ServerInfo server_;
};

}  // namespace mortar::databricks
