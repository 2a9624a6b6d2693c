// Connections: where datasets live. Each connection type plugs in through
// ConnectionType and the Registry; SQL databases also implement SqlConnection and
// file stores FileStore. A Connection is used by one thread at a time.
#pragma once

#include <arrow/io/type_fwd.h>

#include <filesystem>
#include <functional>
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

class Connection;
class SqlConnection;
class FileStore;
class ObjectStoreConnection;  // connectors/object_store_connection.h

// Builds another connection of the same data directory, as the same user, through the
// registry of connection types (a Databricks connection opens the S3 or Azure Blob
// connection it stages files on).
using ConnectionOpener =
    std::function<Result<std::unique_ptr<Connection>>(const config::ConnectionConfig&)>;

// Who opens a connection: the data directory, the acting user (whose per-user
// credentials are used), the process's shared token renewals, and how to open the
// other connections it uses.
struct OpenScope {
  const config::Home& home;
  std::string user;
  auth::TokenSourceCache* tokens = nullptr;  // null: renewals are not shared
  ConnectionOpener open_connection;          // empty: it cannot open others
};

// How a connection authenticates, as the acting user sees it. Holds no secret.
struct CredentialState {
  std::string method = "none";  // "personal access token", "OAuth per-user", ...
  bool per_user = false;
  bool provided = true;            // false: the user must act first (see action)
  std::string obtained_at;         // per user: when the user authorized, or entered the token
  std::string refreshed_at;        // per-user OAuth: when the refresh token was last renewed
  std::string access_expires_at;   // per-user OAuth: the current access token's expiry; a
                                   // per-user token: the day the user said it expires
  std::string refresh_expires_at;  // per-user OAuth: the refresh token's, if known
  std::string action;              // what the user must do when !provided
};

// One file of a FileStore.
struct StoredFile {
  std::string path;     // relative to the store's root, '/'-separated
  int64_t size = -1;    // bytes
  std::string version;  // changes with the content (modification time, ETag)
};

// What one folder of a store holds directly, for browsing: its subfolders and files,
// each in name order, as paths from the root ('/'-separated, no trailing '/'). At most
// kMaxFolderEntries of them; `truncated` says there were more.
struct FolderListing {
  std::vector<std::string> folders;
  std::vector<StoredFile> files;
  bool truncated = false;
};
inline constexpr std::size_t kMaxFolderEntries = 5000;

// Where files of a cloud store are, as a database names them. Holds no secret: a
// database connector gets the credentials from the named connection itself.
struct CloudLocation {
  std::string connection;  // the store's connection
  std::string scheme;      // "s3", or "abfss" for Azure Blob
  std::string container;   // the bucket (or container)
  std::string path;        // a file's key, or a folder's prefix ending in '/'
  std::string account;     // Azure: the storage account; "" for S3
  // s3://bucket/path, or abfss://container@account.dfs.core.windows.net/path (the form
  // Databricks reads).
  std::string Uri() const {
    if (scheme == "abfss")
      return "abfss://" + container + "@" + account + ".dfs.core.windows.net/" + path;
    return scheme + "://" + container + "/" + path;
  }
};

// A files dataset on a cloud store, and how its files are parsed: what a database
// needs to load them itself (COPY INTO, Spark SQL) or to write them.
struct CloudFiles {
  CloudLocation location;
  std::string format;  // "csv" or "parquet"
  bool csv_header = true;
  char csv_delimiter = ',';
  char csv_quote = '"';
  bool gzip = false;
  bool single_file = false;  // the dataset is one file (location.path is its key)
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
  // Cloud object storage (S3, Azure Blob) that a database can load files from.
  virtual ObjectStoreConnection* AsObjectStore() { return nullptr; }

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
  // Every row of a table as `columns`, read some faster way than a query (a lakehouse
  // table's files read directly), or null to read it with a query: also when the table
  // does not hold each of `columns` with its type (the query's read says what is wrong).
  // `log` (may be empty) is told which, and why not.
  virtual Result<std::unique_ptr<BatchReader>> ReadWholeTable(
      const sql::TableName& table, const Schema& columns,
      const std::function<void(const std::string&)>& log) {
    (void)table, (void)columns, (void)log;
    return std::unique_ptr<BatchReader>();
  }
  // The schema a query would produce, without reading all of it.
  virtual Result<Schema> QuerySchema(const std::string& sql) = 0;
  // Runs statements (a script is split by the connection).
  virtual Status Execute(const std::string& sql) = 0;

  // What a database holds, for browsing: its catalogs (none where the database has no
  // catalogs, as SQLite), the schemas of a catalog ("": the connection's default; each
  // named with its catalog, table left empty), and the tables of a schema.
  virtual Result<std::vector<std::string>> ListCatalogs() { return std::vector<std::string>{}; }
  virtual Result<std::vector<sql::TableName>> ListSchemas(const std::string& catalog) = 0;
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

  // The database loads files from cloud storage into `table` itself (replace:
  // atomically), no row passing through Mortar. OK from CanLoadCloudFiles when it can,
  // else the reason it cannot. Returns the number of rows loaded; `log` hears which
  // statements did it (COPY INTO or the open-source equivalent).
  virtual Status CanLoadCloudFiles(const CloudFiles& files) const {
    (void)files;
    return Status::Invalid("connection '" + connection_name() +
                           "' cannot load files from cloud storage itself");
  }
  virtual Result<int64_t> LoadCloudFiles(const sql::TableName& table, const Schema& schema,
                                         const CloudFiles& files, WriteMode mode,
                                         const BatchWriter::LogLine& log = {}) {
    (void)table, (void)schema, (void)mode, (void)log;
    return CanLoadCloudFiles(files);
  }
  // The database writes the rows of a SELECT itself as files under `folder` (a new,
  // unique prefix), in the format of `files`.
  virtual Status CanUnloadToCloud(const CloudFiles& files) const {
    (void)files;
    return Status::Invalid("connection '" + connection_name() +
                           "' cannot write files to cloud storage itself");
  }
  virtual Status UnloadToCloud(const std::string& select_sql, const CloudFiles& files,
                               const CloudLocation& folder, const BatchWriter::LogLine& log = {}) {
    (void)select_sql, (void)folder, (void)log;
    return CanUnloadToCloud(files);
  }
};

// Replacing one file of a FileStore: the writer fills local() (a local file, written
// through its own temporary and renamed, as local files are); Commit() then makes it
// visible at its path in one step. Abort() (or destruction without Commit) leaves the
// store as it was.
class FileReplacement {
 public:
  virtual ~FileReplacement() = default;
  virtual const std::filesystem::path& local() const = 0;
  virtual Status Commit() = 0;
  virtual void Abort() = 0;
};

// A connection holding files under a root (a folder, a bucket, a container). Paths
// are relative to the root and '/'-separated. Files datasets reach their files only
// through this interface, so a new store (Azure Blob) plugs in by implementing it.
class FileStore {
 public:
  virtual ~FileStore() = default;
  virtual const std::string& connection_name() const = 0;
  // Checks a dataset's path: relative, and inside the root.
  virtual Status CheckPath(const std::string& path) const = 0;
  // The file at `path`, or the data files directly in the folder `path` (names that
  // start with '.' or '_' are skipped, as Spark does), in name order; empty when
  // there is nothing there.
  virtual Result<std::vector<StoredFile>> ListFiles(const std::string& path) const = 0;
  // The folder `path` ("" is the root) as the user browses it: subfolders and files,
  // hidden names ('.' and '_', as above) left out. A path that is no folder is empty.
  virtual Result<FolderListing> ListFolder(const std::string& path) const = 0;
  // Opens a file for reading at any offset (ranged requests on remote stores, so
  // memory stays bounded whatever the file's size).
  virtual Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenFile(
      const StoredFile& file) const = 0;
  // Starts replacing the file at `path`. keep_content: local() starts with the
  // file's current content (for appends).
  virtual Result<std::unique_ptr<FileReplacement>> ReplaceFile(const std::string& path,
                                                               bool keep_content) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Copies a file inside the store (server-side on S3); the target appears whole.
  virtual Status CopyFile(const std::string& from, const std::string& to) = 0;
  // Removes a folder and everything under it, '_' and '.' files included.
  virtual Status RemoveFolder(const std::string& path) = 0;
  // Cloud stores: where `path` is for a database; nullopt for local stores.
  virtual std::optional<CloudLocation> Cloud(const std::string& path) const {
    (void)path;
    return std::nullopt;
  }
};

}  // namespace mortar
