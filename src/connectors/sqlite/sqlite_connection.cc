#include "connectors/sqlite/sqlite_connection.h"

#include <random>

#include "connectors/sqlite/sqlite_case_mapping.h"
#include "connectors/sqlite/sqlite_decimal.h"
#include "connectors/sqlite/sqlite_stddev.h"
#include "connectors/sqlite/sqlite_timestamp.h"
#include "connectors/staging_table_name.h"
#include "mortar/config/home.h"
#include "mortar/core/interrupt.h"

namespace mortar::sqlite {

namespace fs = std::filesystem;

namespace {

constexpr int kSchemaSampleRows = 1000;

// Users run their own SQL on the embedded database: nothing that reaches beyond it. No
// other files (ATTACH), no extensions, and not fts3_tokenizer, which hands out a
// pointer into the process with one argument and calls through one with two.
int Authorize(void*, int action, const char*, const char* second, const char*, const char*) {
  if (action == SQLITE_ATTACH || action == SQLITE_DETACH) return SQLITE_DENY;
  // For a function, the second argument is its name.
  if (action == SQLITE_FUNCTION && second != nullptr) {
    std::string_view function = second;
    if (function == "fts3_tokenizer" || function == "load_extension") return SQLITE_DENY;
  }
  return SQLITE_OK;
}

std::string Shorten(const std::string& sql) {
  std::string text = sql.substr(0, 200);
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return sql.size() > 200 ? text + "..." : text;
}

}  // namespace

SqliteConnection::SqliteConnection(config::ConnectionConfig config, fs::path path,
                                   std::chrono::seconds time_limit)
    : Connection(std::move(config)), path_(std::move(path)), time_limit_(time_limit) {}

void SqliteConnection::StartStep() {
  timed_out_ = false;
  deadline_ = time_limit_.count() > 0 ? std::chrono::steady_clock::now() + time_limit_
                                      : std::chrono::steady_clock::time_point::max();
}

int SqliteConnection::OnProgress(void* connection) {
  auto* self = static_cast<SqliteConnection*>(connection);
  // Ctrl-C (or SIGTERM) stops any statement: a long recipe's INSERT ... SELECT ends
  // in its transaction's rollback, the output as it was.
  if (InterruptPending()) return 1;
  if (std::chrono::steady_clock::now() < self->deadline_) return 0;
  self->timed_out_ = true;
  return 1;  // interrupts the statement
}

SqliteConnection::~SqliteConnection() {
  sqlite3_close_v2(db_);
}

Status SqliteConnection::Error(const std::string& doing, int code) const {
  std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  ErrorCode error = ErrorCode::kInvalidInput;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) error = ErrorCode::kConflict;
  if (code == SQLITE_CANTOPEN || code == SQLITE_IOERR || code == SQLITE_FULL)
    error = ErrorCode::kRemote;
  if (code == SQLITE_INTERRUPT) error = ErrorCode::kCancelled;
  if (code == SQLITE_INTERRUPT && timed_out_) {
    return Status(ErrorCode::kCancelled,
                  "connection '" + name() + "': " + doing + ": stopped after " +
                      std::to_string(time_limit_.count()) +
                      " s without a row (params.query_timeout_seconds sets the limit)")
        .WithDetail(SqliteErrorDetail(code));
  }
  return Status(error, "connection '" + name() + "': " + doing + ": " + message)
      .WithDetail(SqliteErrorDetail(code));
}

Result<sqlite3*> SqliteConnection::Handle() {
  if (db_ != nullptr) return db_;
  std::error_code error;
  fs::create_directories(path_.parent_path(), error);
  int code =
      sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (code != SQLITE_OK) {
    Status status = Error("cannot open the database " + path_.string(), code);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    return status;
  }
  sqlite3_busy_timeout(db_, 10000);
  sqlite3_extended_result_codes(db_, 0);
  // Hardened for SQL from users: no writes to the schema tables or other corruption
  // (defensive), no extensions, no functions in the schema run unchecked.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  // Double quotes name columns and tables only: by SQLite's legacy default a name in
  // double quotes that matches no column is read as a string, so a misspelt or dropped
  // column gave every row its name instead of an error.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
  sqlite3_set_authorizer(db_, Authorize, nullptr);
  Status registered = RegisterDecimalFunctions(db_);
  if (registered.ok()) registered = RegisterTimestampCollation(db_);
  if (registered.ok()) registered = RegisterStddev(db_);
  if (registered.ok()) registered = RegisterCaseMapping(db_);
  if (!registered.ok()) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    return registered;
  }
  sqlite3_progress_handler(db_, 10000, OnProgress, this);
  // The default rollback journal, not WAL: a bulk load into a new table then writes
  // each page once. The page cache is capped to keep memory bounded.
  sqlite3_exec(db_, "PRAGMA cache_size=-16384;", nullptr, nullptr, nullptr);
  return db_;
}

Result<TestReport> SqliteConnection::Test() {
  MORTAR_ASSIGN_OR_RETURN(sqlite3 * db, Handle());
  (void)db;
  MORTAR_ASSIGN_OR_RETURN(auto tables, ListTables("", ""));
  return TestReport{{"database", path_.string()},
                    {"server", std::string("SQLite ") + sqlite3_libversion()},
                    {"tables", std::to_string(tables.size())}};
}

Status SqliteConnection::Execute(const std::string& sql) {
  MORTAR_ASSIGN_OR_RETURN(sqlite3 * db, Handle());
  char* message = nullptr;
  int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  if (code != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errstr(code);
    sqlite3_free(message);
    ErrorCode error = ErrorCode::kInvalidInput;
    if (code == SQLITE_BUSY) error = ErrorCode::kConflict;
    // Ctrl-C (the progress handler) stopped it: its transaction is rolled back.
    if (code == SQLITE_INTERRUPT) error = ErrorCode::kCancelled;
    std::string what = code == SQLITE_INTERRUPT ? "interrupted" : "SQL error: " + text;
    return Status(error, "connection '" + name() + "': " + what + " (in: " + Shorten(sql) + ")")
        .WithDetail(SqliteErrorDetail(code));
  }
  return Status::OK();
}

namespace {

Result<Statement> Prepare(SqliteConnection& connection, sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int code = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, &tail);
  Statement statement(raw);
  if (code != SQLITE_OK) {
    return Status::Invalid("connection '" + connection.name() +
                           "': SQL error: " + sqlite3_errmsg(db) + " (in: " + Shorten(sql) + ")");
  }
  if (raw == nullptr)
    return Status::Invalid("connection '" + connection.name() + "': the query is empty");
  std::string rest = tail != nullptr ? std::string(tail) : "";
  if (rest.find_first_not_of(" \t\r\n;") != std::string::npos) {
    return Status::Invalid("connection '" + connection.name() +
                           "': a query must be a single statement; found more after the first");
  }
  return statement;
}

}  // namespace

Result<Schema> SqliteConnection::QuerySchema(const std::string& sql) {
  MORTAR_ASSIGN_OR_RETURN(sqlite3 * db, Handle());
  MORTAR_ASSIGN_OR_RETURN(Statement statement, Prepare(*this, db, sql));
  int count = sqlite3_column_count(statement.get());
  if (count == 0) {
    return Status::Invalid("connection '" + name() + "': the statement returns no columns (" +
                           Shorten(sql) + ")");
  }
  std::vector<std::optional<Type>> declared(static_cast<std::size_t>(count));
  bool need_sample = false;
  for (int i = 0; i < count; ++i) {
    const char* decl = sqlite3_column_decltype(statement.get(), i);
    if (decl != nullptr && *decl != '\0') {
      auto type = dialect().MortarType(decl);
      if (type.ok()) declared[static_cast<std::size_t>(i)] = *type;
    }
    need_sample = need_sample || !declared[static_cast<std::size_t>(i)];
  }
  // Expressions have no declared type: look at the storage classes of a sample.
  std::vector<int> seen(static_cast<std::size_t>(count), 0);
  // A statement that changes data (INSERT ... RETURNING) is never stepped here: it runs
  // once, when its rows are read; its expressions are then read as text.
  if (need_sample && sqlite3_stmt_readonly(statement.get())) {
    for (int row = 0; row < kSchemaSampleRows; ++row) {
      StartStep();
      int code = sqlite3_step(statement.get());
      EndStep();
      if (code == SQLITE_DONE) break;
      if (code != SQLITE_ROW) return Error("running the query", code);
      for (int i = 0; i < count; ++i) {
        int storage = sqlite3_column_type(statement.get(), i);
        seen[static_cast<std::size_t>(i)] |= 1 << storage;
      }
    }
  }
  Schema schema;
  for (int i = 0; i < count; ++i) {
    std::string column = sqlite3_column_name(statement.get(), i);
    auto index = static_cast<std::size_t>(i);
    Type type = Type::String();
    if (declared[index]) {
      type = *declared[index];
    } else {
      int mask = seen[index] & ~(1 << SQLITE_NULL);
      if (mask == (1 << SQLITE_INTEGER)) {
        type = Type::Int64();
      } else if (mask == (1 << SQLITE_FLOAT) ||
                 mask == ((1 << SQLITE_FLOAT) | (1 << SQLITE_INTEGER))) {
        type = Type::Double();
      } else if (mask == (1 << SQLITE_BLOB)) {
        type = Type::Binary();
      }
    }
    if (schema.IndexOf(column) && schema[*schema.IndexOf(column)].name == column) {
      return Status::Invalid("connection '" + name() + "': the query returns the column '" +
                             column + "' twice; give each column its own name with AS");
    }
    schema.Add(Column{column, type, true});
  }
  return schema;
}

Result<std::unique_ptr<BatchReader>> SqliteConnection::Query(const std::string& sql) {
  MORTAR_ASSIGN_OR_RETURN(Schema schema, QuerySchema(sql));
  MORTAR_ASSIGN_OR_RETURN(sqlite3 * db, Handle());
  MORTAR_ASSIGN_OR_RETURN(Statement statement, Prepare(*this, db, sql));
  return OpenSqliteReader(*this, std::move(statement), std::move(schema), "query");
}

Result<std::vector<sql::TableName>> SqliteConnection::ListSchemas(const std::string& catalog) {
  (void)catalog;
  MORTAR_ASSIGN_OR_RETURN(sqlite3 * db, Handle());
  MORTAR_ASSIGN_OR_RETURN(Statement statement, Prepare(*this, db,
                                                       "SELECT name FROM pragma_database_list "
                                                       "WHERE name <> 'temp' ORDER BY seq"));
  std::vector<sql::TableName> schemas;
  while (true) {
    int code = sqlite3_step(statement.get());
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return Error("listing databases", code);
    schemas.push_back(sql::TableName{
        "", reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0)), ""});
  }
  return schemas;
}

Result<std::vector<sql::TableName>> SqliteConnection::ListTables(const std::string& catalog,
                                                                 const std::string& schema) {
  (void)catalog;
  (void)schema;
  MORTAR_ASSIGN_OR_RETURN(sqlite3 * db, Handle());
  MORTAR_ASSIGN_OR_RETURN(
      Statement statement,
      Prepare(*this, db,
              "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE "
              "'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_\\_mortar\\_tmp\\_%' ESCAPE '\\' "
              "ORDER BY name"));
  std::vector<sql::TableName> tables;
  while (true) {
    int code = sqlite3_step(statement.get());
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return Error("listing tables", code);
    tables.push_back(sql::TableName{
        "", "", reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0))});
  }
  return tables;
}

Result<std::optional<Schema>> SqliteConnection::DescribeTable(const sql::TableName& table) {
  MORTAR_ASSIGN_OR_RETURN(sqlite3 * db, Handle());
  std::string schema_name = table.schema.empty() ? "main" : table.schema;
  MORTAR_ASSIGN_OR_RETURN(Statement statement,
                          Prepare(*this, db, "SELECT name, type FROM pragma_table_info(?, ?)"));
  sqlite3_bind_text(statement.get(), 1, table.table.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(statement.get(), 2, schema_name.c_str(), -1, SQLITE_TRANSIENT);
  Schema schema;
  while (true) {
    int code = sqlite3_step(statement.get());
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return Error("describing " + table.ToString(), code);
    std::string column = reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0));
    const unsigned char* native = sqlite3_column_text(statement.get(), 1);
    schema.Add(Column{
        column,
        dialect().DescribedType(native != nullptr ? reinterpret_cast<const char*>(native) : ""),
        true});
  }
  if (schema.empty()) return std::optional<Schema>();
  return std::optional<Schema>(std::move(schema));
}

Result<std::unique_ptr<BatchWriter>> SqliteConnection::OpenTableWriter(const sql::TableName& table,
                                                                       const Schema& schema,
                                                                       WriteMode mode) {
  return OpenSqliteWriter(*this, table, schema, mode);
}

Result<int64_t> SqliteConnection::ReplaceTableWithQuery(const sql::TableName& table,
                                                        const Schema& schema,
                                                        const std::string& select_sql) {
  MORTAR_ASSIGN_OR_RETURN(sqlite3 * db, Handle());
  sql::TableName staging{table.catalog, table.schema, StagingTableName(table)};
  const sql::Dialect& d = dialect();
  MORTAR_RETURN_IF_ERROR(Execute("BEGIN IMMEDIATE"));
  std::string columns;
  for (std::size_t i = 0; i < schema.size(); ++i) {
    columns += (i > 0 ? ", " : "") + d.QuoteIdentifier(schema[i].name);
  }
  Status status = Execute(d.CreateTable(staging, schema));
  if (status.ok()) {
    status = Execute("INSERT INTO " + d.TableReference(staging) + " (" + columns +
                     ") SELECT * FROM (" + select_sql + ")");
  }
  int64_t rows = status.ok() ? sqlite3_changes64(db) : 0;
  if (status.ok()) status = Execute(d.DropTableIfExists(table));
  if (status.ok()) status = Execute(d.RenameTable(staging, table));
  if (status.ok()) status = StopIfInterrupted();
  if (status.ok()) status = Execute("COMMIT");
  if (!status.ok()) {
    (void)Execute("ROLLBACK");
    return status;
  }
  return rows;
}

namespace {

class SqliteConnectionType final : public ConnectionType {
 public:
  std::string_view name() const override { return "sqlite"; }
  std::string_view description() const override { return "an SQLite database file"; }

  Result<std::unique_ptr<Connection>> Create(const config::ConnectionConfig& config,
                                             const OpenScope& scope) const override {
    const config::Home& home = scope.home;
    config::ConfigObject params(config.params, config.file, "params");
    MORTAR_RETURN_IF_ERROR(params.CheckObject({"path", "query_timeout_seconds"}));
    MORTAR_ASSIGN_OR_RETURN(std::string path, params.String("path"));
    MORTAR_ASSIGN_OR_RETURN(
        int64_t seconds,
        params.IntegerOr("query_timeout_seconds", SqliteConnection::kDefaultTimeLimit.count()));
    if (seconds < 0) return params.Error("query_timeout_seconds", "expected 0 (none) or more");
    return std::unique_ptr<Connection>(
        new SqliteConnection(config, home.Resolve(path), std::chrono::seconds(seconds)));
  }
};

}  // namespace

std::unique_ptr<ConnectionType> MakeSqliteConnectionType() {
  return std::make_unique<SqliteConnectionType>();
}

}  // namespace mortar::sqlite
