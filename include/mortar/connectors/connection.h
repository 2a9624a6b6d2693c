// Connections: where datasets live. Each connection type plugs in through
// ConnectionType and the Registry; SQL databases also implement SqlConnection and
// file stores FileStore. A Connection is used by one thread at a time.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mortar/auth/oauth_client.h"
#include "mortar/auth/token_source_cache.h"
#include "mortar/config/model.h"
#include "mortar/core/batch.h"
#include "mortar/sql/dialect.h"

namespace mortar::config {
class Home;
}

namespace mortar {

enum class WriteMode { kReplace, kAppend };

// One line of `mortar connection test`: ("server", "SQLite 3.40.1").
using TestReport = std::vector<std::pair<std::string, std::string>>;

class SqlConnection;
class FileStore;

// Who opens a connection: the data directory, the acting user (whose per-user
// credentials are used), and the process's shared token renewals.
struct OpenScope {
  const config::Home& home;
  std::string user;
  auth::TokenSourceCache* tokens = nullptr;  // null: renewals are not shared
};

// How a connection authenticates, as the acting user sees it. Holds no secret.
struct CredentialState {
  std::string method = "none";  // "personal access token", "OAuth per-user", ...
  bool per_user = false;
  bool provided = true;      // false: the user must act first (see action)
  std::string obtained_at;   // per-user OAuth: when the user authorized
  std::string refreshed_at;  // per-user OAuth: when the refresh token was last renewed
  std::string action;        // what the user must do when !provided
};

class Connection {
 public:
  explicit Connection(config::ConnectionConfig config) : config_(std::move(config)) {}
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& name() const { return config_.name; }
  const std::string& type() const { return config_.type; }
  const config::ConnectionConfig& config() const { return config_; }

  // Reaches the peer and reports what it found.
  virtual Result<TestReport> Test() = 0;

  virtual SqlConnection* AsSql() { return nullptr; }
  virtual FileStore* AsFiles() { return nullptr; }

  // The acting user's view of the credentials; reaches no peer.
  virtual Result<CredentialState> Credentials() { return CredentialState{}; }
  // For connections with OAuth per-user: the client of the user's authorization-code
  // grant, with its endpoints (discovered from the workspace if not configured).
  virtual Result<auth::OAuthClient> UserGrantClient() {
    return Status::Invalid("connection '" + name() + "' does not use OAuth per-user");
  }
  // What a client needs to reach the peer on its own (Databricks Connect from a
  // notebook): host, a fresh access token ("token"), paths. It holds a secret: callers
  // check security::CheckDetailsReadable first and never log it.
  virtual Result<config::Json> ClientDetails() {
    return Status::Invalid("connection '" + name() + "' (" + type() +
                           ") has no client credentials to give: only Databricks connections do");
  }

 private:
  config::ConnectionConfig config_;
};

// A connection that runs SQL.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual const sql::Dialect& dialect() const = 0;
  // The connection's name, for messages.
  virtual const std::string& connection_name() const = 0;

  // Runs a query and streams its rows.
  virtual Result<std::unique_ptr<BatchReader>> Query(const std::string& sql) = 0;
  // The schema a query would produce, without reading all of it.
  virtual Result<Schema> QuerySchema(const std::string& sql) = 0;
  // Runs statements (a script is split by the connection).
  virtual Status Execute(const std::string& sql) = 0;

  virtual Result<std::vector<sql::TableName>> ListTables(const std::string& catalog,
                                                         const std::string& schema) = 0;
  // The table's schema, or nullopt when it does not exist.
  virtual Result<std::optional<Schema>> DescribeTable(const sql::TableName& table) = 0;

  // Writes batches into `table`. kReplace builds a new table and swaps it in on
  // Commit(); nothing is visible before, and an abort leaves the old table as it was.
  virtual Result<std::unique_ptr<BatchWriter>> OpenTableWriter(const sql::TableName& table,
                                                               const Schema& schema,
                                                               WriteMode mode) = 0;
  // Fills `table` from a SELECT run in the database, replacing it atomically. Returns
  // the number of rows when the database says.
  virtual Result<int64_t> ReplaceTableWithQuery(const sql::TableName& table, const Schema& schema,
                                                const std::string& select_sql) = 0;
};

// A connection holding files under a root (a folder, a bucket, a container).
class FileStore {
 public:
  virtual ~FileStore() = default;
  // The absolute local path of a relative path, for local stores.
  virtual Result<std::filesystem::path> LocalPath(const std::string& relative) const = 0;
  virtual const std::string& connection_name() const = 0;
};

}  // namespace mortar
