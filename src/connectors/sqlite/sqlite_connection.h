// The SQLite connection: one database file.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <filesystem>

#include "mortar/connectors/connection_type.h"

namespace mortar::sqlite {

// SQLite's result code for a statement that failed (SQLITE_BUSY, SQLITE_CONSTRAINT...).
class SqliteErrorDetail final : public StatusDetail {
 public:
  explicit SqliteErrorDetail(int code) : code(code) {}
  std::string ToString() const override { return "sqlite_code=" + std::to_string(code); }

  int code;
};

class SqliteConnection final : public Connection, public SqlConnection {
 public:
  // `time_limit`: how long one statement may compute before it yields its next row
  // (params.query_timeout_seconds); zero for none.
  SqliteConnection(config::ConnectionConfig config, std::filesystem::path path,
                   std::chrono::seconds time_limit = kDefaultTimeLimit);
  static constexpr std::chrono::seconds kDefaultTimeLimit{300};
  ~SqliteConnection() override;

  Result<TestReport> Test() override;
  SqlConnection* AsSql() override { return this; }

  const sql::Dialect& dialect() const override { return sql::SqliteDialect(); }
  const std::string& connection_name() const override { return name(); }
  Result<std::unique_ptr<BatchReader>> Query(const std::string& sql) override;
  Result<Schema> QuerySchema(const std::string& sql) override;
  Status Execute(const std::string& sql) override;
  // SQLite's databases (main and any attached) are its schemas; it has no catalogs.
  Result<std::vector<sql::TableName>> ListSchemas(const std::string& catalog) override;
  Result<std::vector<sql::TableName>> ListTables(const std::string& catalog,
                                                 const std::string& schema) override;
  Result<std::optional<Schema>> DescribeTable(const sql::TableName& table) override;
  Result<std::unique_ptr<BatchWriter>> OpenTableWriter(const sql::TableName& table,
                                                       const Schema& schema,
                                                       WriteMode mode) override;
  Result<int64_t> ReplaceTableWithQuery(const sql::TableName& table, const Schema& schema,
                                        const std::string& select_sql) override;

  // For the reader and writer in this module.
  Result<sqlite3*> Handle();
  Status Error(const std::string& doing, int code) const;
  // Around each step of a query: a step that computes past the time limit is
  // interrupted. Other statements (loads, recipes) have no limit.
  void StartStep();
  void EndStep() { deadline_ = std::chrono::steady_clock::time_point::max(); }

 private:
  static int OnProgress(void* connection);

  std::filesystem::path path_;
  std::chrono::seconds time_limit_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  bool timed_out_ = false;
  sqlite3* db_ = nullptr;
};

std::unique_ptr<ConnectionType> MakeSqliteConnectionType();

// Statement wrapper that finalizes on destruction.
class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* statement) : statement_(statement) {}
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(Statement&& other) noexcept : statement_(other.statement_) {
    other.statement_ = nullptr;
  }
  Statement& operator=(Statement&& other) noexcept {
    std::swap(statement_, other.statement_);
    return *this;
  }
  sqlite3_stmt* get() const { return statement_; }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

Result<std::unique_ptr<BatchReader>> OpenSqliteReader(SqliteConnection& connection,
                                                      Statement statement, Schema schema,
                                                      std::string source);
Result<std::unique_ptr<BatchWriter>> OpenSqliteWriter(SqliteConnection& connection,
                                                      const sql::TableName& table,
                                                      const Schema& schema, WriteMode mode);

}  // namespace mortar::sqlite
