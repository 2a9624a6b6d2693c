// The Statement Execution API (REST, /api/2.0/sql/statements) as a driver, for
// workspaces that allow only HTTPS REST (the connection parameter transport=rest).
// Each statement is one POST (never repeated: a 503 is retried only with Retry-After,
// the server's word that it ran nothing, and a 400 refusing the hybrid disposition once
// with links only), polled with GET until it is done, cancelled on time-out or
// interruption. Results come as Arrow streams (LZ4-framed when the server agrees): a
// small one inline in the answer, a large one through external links, downloaded several
// at a time by CloudFetchDownloads and read a batch at a time; an expired link is
// renewed by asking for its chunk again. The metadata
// calls are SQL (SHOW CATALOGS, SHOW SCHEMAS, SHOW TABLES, and a query's own schema for a table's
// columns). With session_parameters, statements run in a session of the API (POST
// /api/2.0/sql/sessions, as Databricks' own drivers open one) that sets them and holds the
// connection's catalog and schema, opened at the first statement and deleted at the end;
// on a workspace without sessions, and without session_parameters, each statement
// carries the catalog and schema itself. Internal to the connector. Not thread-safe: one
// per connection.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "connectors/databricks/backend.h"
#include "mortar/auth/token_source.h"
#include "mortar/http/client.h"

namespace mortar::databricks {

struct StatementExecutionOptions {
  std::string connection_name;
  std::string workspace_url;  // https://host:port
  std::string warehouse_id;
  std::string catalog;
  std::string schema;
  // Databricks' SQL configuration parameters for the session (none: no session).
  std::map<std::string, std::string> session_parameters;
  std::chrono::seconds query_timeout{0};  // 0: none
  http::RetryPolicy retry;
  // External links downloaded at once, each over a transport of its own.
  int downloads = 3;
  std::function<Result<std::unique_ptr<http::Transport>>()> download_transport;
  http::Clock* clock = nullptr;  // the system clock unless a test sets one
};

// The warehouse id at the end of a SQL warehouse's HTTP path (/sql/1.0/warehouses/<id>);
// an error naming http_path for any other path (a cluster's has no Statement Execution
// API).
Result<std::string> WarehouseIdOf(const std::string& http_path);

class StatementExecution final : public Backend {
 public:
  StatementExecution(StatementExecutionOptions options, std::unique_ptr<http::Transport> http,
                     std::unique_ptr<auth::TokenSource> tokens);
  ~StatementExecution() override;
  StatementExecution(const StatementExecution&) = delete;
  StatementExecution& operator=(const StatementExecution&) = delete;

  Result<std::unique_ptr<BatchReader>> Query(
      const std::string& sql, const std::optional<Schema>& declared = std::nullopt) override;
  Status Execute(const std::string& sql) override;
  Result<std::unique_ptr<BatchReader>> Catalogs() override;
  Result<std::unique_ptr<BatchReader>> Schemas(const std::string& catalog) override;
  Result<std::unique_ptr<BatchReader>> Tables(const std::string& catalog,
                                              const std::string& schema) override;
  Result<std::unique_ptr<BatchReader>> Columns(const std::string& catalog,
                                               const std::string& schema,
                                               const std::string& table) override;
  bool ExactMetadata() const override { return true; }
  TestReport Describe() const override;

  class Impl;  // opaque: JSON and the statement's life stay in the .cc

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mortar::databricks
