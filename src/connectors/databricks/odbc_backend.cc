#include "connectors/databricks/odbc_backend.h"

#include <arrow/api.h>
#include <sql.h>
#include <sqlext.h>

#include "mortar/core/sql_error_detail.h"
#include "mortar/core/text_conversion.h"

namespace mortar::databricks {

namespace {

// Values of the connection string are braced when they hold separators.
std::string Attribute(const std::string& key, const std::string& value) {
  bool brace = value.find_first_of(";{}=") != std::string::npos;
  std::string escaped;
  for (char c : value) {
    escaped += c;
    if (brace && c == '}') escaped += '}';
  }
  return key + "=" + (brace ? "{" + escaped + "}" : escaped) + ";";
}

// The driver's diagnostics, with any secret the driver echoes removed.
std::string Diagnostics(SQLSMALLINT type, SQLHANDLE handle, const std::string& secret,
                        std::string* sql_state) {
  std::string text;
  SQLCHAR state[6] = {};
  SQLCHAR message[1024];
  SQLINTEGER native = 0;
  SQLSMALLINT length = 0;
  for (SQLSMALLINT i = 1; SQLGetDiagRec(type, handle, i, state, &native, message, sizeof(message),
                                        &length) == SQL_SUCCESS;
       ++i) {
    if (sql_state != nullptr && sql_state->empty()) *sql_state = reinterpret_cast<char*>(state);
    if (!text.empty()) text += "; ";
    text += reinterpret_cast<char*>(message);
  }
  if (!secret.empty()) {
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret)) {
      text.replace(at, secret.size(), "<redacted>");
    }
  }
  return text.empty() ? "no message from the driver" : text;
}

Type TypeOf(SQLSMALLINT sql_type, SQLULEN size, SQLSMALLINT digits) {
  switch (sql_type) {
    case SQL_BIT:
      return Type::Boolean();
    case SQL_TINYINT:
      return Type::Int8();
    case SQL_SMALLINT:
      return Type::Int16();
    case SQL_INTEGER:
      return Type::Int32();
    case SQL_BIGINT:
      return Type::Int64();
    case SQL_REAL:
      return Type::Float();
    case SQL_FLOAT:
    case SQL_DOUBLE:
      return Type::Double();
    case SQL_DECIMAL:
    case SQL_NUMERIC: {
      auto type = Type::Decimal(size > 0 && size <= 38 ? static_cast<int>(size) : 38,
                                digits >= 0 ? digits : 0);
      return type.ok() ? *type : Type::Double();
    }
    case SQL_TYPE_DATE:
      return Type::Date();
    case SQL_TYPE_TIMESTAMP:
      return Type::Timestamp();
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY:
      return Type::Binary();
    default:
      return Type::String();
  }
}

class OdbcBackend;

// Reads a statement's rows as text (binary as bytes) and converts them per batch.
class OdbcReader final : public BatchReader {
 public:
  OdbcReader(OdbcBackend& backend, SQLHSTMT statement, Schema schema, std::string source)
      : backend_(backend),
        statement_(statement),
        schema_(std::move(schema)),
        source_(std::move(source)) {}
  ~OdbcReader() override { SQLFreeHandle(SQL_HANDLE_STMT, statement_); }

  const Schema& schema() const override { return schema_; }
  Result<Batch> Next() override;

 private:
  OdbcBackend& backend_;
  SQLHSTMT statement_;
  Schema schema_;
  std::string source_;
  int64_t rows_ = 0;
  bool done_ = false;
};

class OdbcBackend final : public Backend {
 public:
  explicit OdbcBackend(OdbcBackendOptions options) : options_(std::move(options)) {}
  ~OdbcBackend() override {
    if (connected_) SQLDisconnect(connection_);
    if (connection_ != SQL_NULL_HDBC) SQLFreeHandle(SQL_HANDLE_DBC, connection_);
    if (environment_ != SQL_NULL_HENV) SQLFreeHandle(SQL_HANDLE_ENV, environment_);
  }

  Status Connect(const std::string& token) {
    secret_ = token;
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &environment_))) {
      return Status::Internal(Prefix() + "the ODBC driver manager could not start");
    }
    SQLSetEnvAttr(environment_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3),
                  0);
    SQLAllocHandle(SQL_HANDLE_DBC, environment_, &connection_);
    std::string text = Attribute("Driver", options_.driver_path);
    for (const auto& [key, value] : options_.attributes) text += Attribute(key, value);
    text += Attribute("PWD", token);
    SQLCHAR out[1024];
    SQLSMALLINT out_length = 0;
    SQLRETURN code = SQLDriverConnect(connection_, nullptr, reinterpret_cast<SQLCHAR*>(text.data()),
                                      static_cast<SQLSMALLINT>(text.size()), out, sizeof(out),
                                      &out_length, SQL_DRIVER_NOPROMPT);
    std::fill(text.begin(), text.end(), '\0');
    if (!SQL_SUCCEEDED(code)) {
      return Status::Remote(
          Prefix() + "the user-provided driver " + options_.driver_path +
          " could not connect: " + Diagnostics(SQL_HANDLE_DBC, connection_, secret_, nullptr));
    }
    connected_ = true;
    return Status::OK();
  }

  std::string Prefix() const { return "connection '" + options_.connection_name + "': "; }

  Status StatementError(SQLHSTMT statement, const std::string& what) {
    std::string state;
    std::string message = Diagnostics(SQL_HANDLE_STMT, statement, secret_, &state);
    Status error = Status::Invalid(Prefix() + what + " failed: " + message);
    if (!state.empty()) error = error.WithDetail(SqlErrorDetail(state));
    return error;
  }

  Result<SQLHSTMT> NewStatement() {
    SQLHSTMT statement = SQL_NULL_HSTMT;
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, connection_, &statement))) {
      return Status::Remote(Prefix() + "the driver could not create a statement");
    }
    return statement;
  }

  Result<std::unique_ptr<BatchReader>> Reader(SQLHSTMT statement,
                                              const std::optional<Schema>& declared,
                                              const std::string& source) {
    SQLSMALLINT count = 0;
    SQLNumResultCols(statement, &count);
    Schema schema;
    for (SQLSMALLINT i = 1; i <= count; ++i) {
      SQLCHAR name[512];
      SQLSMALLINT name_length = 0;
      SQLSMALLINT type = 0;
      SQLULEN size = 0;
      SQLSMALLINT digits = 0;
      SQLSMALLINT nullable = 0;
      SQLDescribeCol(statement, i, name, sizeof(name), &name_length, &type, &size, &digits,
                     &nullable);
      schema.Add(Column{reinterpret_cast<char*>(name), TypeOf(type, size, digits), true});
    }
    if (declared && declared->size() == schema.size()) schema = *declared;
    return std::unique_ptr<BatchReader>(
        new OdbcReader(*this, statement, std::move(schema), source));
  }

  Result<std::unique_ptr<BatchReader>> Query(const std::string& sql,
                                             const std::optional<Schema>& declared) override {
    MORTAR_ASSIGN_OR_RETURN(SQLHSTMT statement, NewStatement());
    std::string text = sql;
    if (!SQL_SUCCEEDED(SQLExecDirect(statement, reinterpret_cast<SQLCHAR*>(text.data()),
                                     static_cast<SQLINTEGER>(text.size())))) {
      Status error = StatementError(statement, "the statement");
      SQLFreeHandle(SQL_HANDLE_STMT, statement);
      return error;
    }
    return Reader(statement, declared, "query");
  }

  Status Execute(const std::string& sql) override {
    MORTAR_ASSIGN_OR_RETURN(SQLHSTMT statement, NewStatement());
    std::string text = sql;
    SQLRETURN code = SQLExecDirect(statement, reinterpret_cast<SQLCHAR*>(text.data()),
                                   static_cast<SQLINTEGER>(text.size()));
    Status status = SQL_SUCCEEDED(code) || code == SQL_NO_DATA
                        ? Status::OK()
                        : StatementError(statement, "the statement");
    SQLFreeHandle(SQL_HANDLE_STMT, statement);
    return status;
  }

  // ODBC's special SQLTables calls: every catalog (SQL_ALL_CATALOGS), every schema of one.
  Result<std::unique_ptr<BatchReader>> Catalogs() override {
    return ListOf(std::string(SQL_ALL_CATALOGS), "", "listing catalogs");
  }

  Result<std::unique_ptr<BatchReader>> Schemas(const std::string& catalog) override {
    return ListOf(catalog, std::string(SQL_ALL_SCHEMAS), "listing schemas");
  }

  Result<std::unique_ptr<BatchReader>> ListOf(std::string catalog, std::string schema,
                                              const std::string& what) {
    MORTAR_ASSIGN_OR_RETURN(SQLHSTMT statement, NewStatement());
    std::string empty;
    SQLRETURN code =
        SQLTables(statement, catalog.empty() ? nullptr : reinterpret_cast<SQLCHAR*>(catalog.data()),
                  SQL_NTS, reinterpret_cast<SQLCHAR*>(schema.data()), SQL_NTS,
                  reinterpret_cast<SQLCHAR*>(empty.data()), SQL_NTS, nullptr, 0);
    if (!SQL_SUCCEEDED(code)) {
      Status error = StatementError(statement, what);
      SQLFreeHandle(SQL_HANDLE_STMT, statement);
      return error;
    }
    return Reader(statement, std::nullopt, what);
  }

  Result<std::unique_ptr<BatchReader>> Tables(const std::string& catalog,
                                              const std::string& schema) override {
    MORTAR_ASSIGN_OR_RETURN(SQLHSTMT statement, NewStatement());
    std::string cat = catalog;
    std::string sch = schema;
    std::string types = "TABLE,VIEW";
    std::string all = "%";
    SQLRETURN code =
        SQLTables(statement, cat.empty() ? nullptr : reinterpret_cast<SQLCHAR*>(cat.data()),
                  SQL_NTS, sch.empty() ? nullptr : reinterpret_cast<SQLCHAR*>(sch.data()), SQL_NTS,
                  reinterpret_cast<SQLCHAR*>(all.data()), SQL_NTS,
                  reinterpret_cast<SQLCHAR*>(types.data()), SQL_NTS);
    if (!SQL_SUCCEEDED(code)) {
      Status error = StatementError(statement, "listing tables");
      SQLFreeHandle(SQL_HANDLE_STMT, statement);
      return error;
    }
    return Reader(statement, std::nullopt, "listing tables");
  }

  Result<std::unique_ptr<BatchReader>> Columns(const std::string& catalog,
                                               const std::string& schema,
                                               const std::string& table) override {
    MORTAR_ASSIGN_OR_RETURN(SQLHSTMT statement, NewStatement());
    std::string cat = catalog;
    std::string sch = schema;
    std::string tab = table;
    std::string all = "%";
    SQLRETURN code =
        SQLColumns(statement, cat.empty() ? nullptr : reinterpret_cast<SQLCHAR*>(cat.data()),
                   SQL_NTS, sch.empty() ? nullptr : reinterpret_cast<SQLCHAR*>(sch.data()), SQL_NTS,
                   reinterpret_cast<SQLCHAR*>(tab.data()), SQL_NTS,
                   reinterpret_cast<SQLCHAR*>(all.data()), SQL_NTS);
    if (!SQL_SUCCEEDED(code)) {
      Status error = StatementError(statement, "listing columns");
      SQLFreeHandle(SQL_HANDLE_STMT, statement);
      return error;
    }
    return Reader(statement, std::nullopt, "listing columns");
  }

  bool ExactMetadata() const override { return true; }

  TestReport Describe() const override {
    auto info = [&](SQLUSMALLINT what) {
      SQLCHAR value[256] = {};
      SQLSMALLINT length = 0;
      SQLGetInfo(connection_, what, value, sizeof(value), &length);
      return std::string(reinterpret_cast<char*>(value));
    };
    return {{"server", info(SQL_DBMS_NAME) + " " + info(SQL_DBMS_VER)},
            {"driver", "user-provided ODBC driver " + options_.driver_path + " (" +
                           info(SQL_DRIVER_NAME) + " " + info(SQL_DRIVER_VER) + ")"}};
  }

  const std::string& secret() const { return secret_; }

 private:
  OdbcBackendOptions options_;
  SQLHENV environment_ = SQL_NULL_HENV;
  SQLHDBC connection_ = SQL_NULL_HDBC;
  bool connected_ = false;
  std::string secret_;
};

Result<Batch> OdbcReader::Next() {
  if (done_) return Batch();
  std::vector<std::unique_ptr<arrow::BinaryBuilder>> builders;
  for (const auto& column : schema_.columns()) {
    if (column.type.kind() == TypeKind::kBinary) {
      builders.push_back(std::make_unique<arrow::BinaryBuilder>());
    } else {
      builders.push_back(std::make_unique<arrow::StringBuilder>());
    }
  }
  int64_t rows = 0;
  std::string value;
  std::vector<char> buffer(64 * 1024);
  while (rows < kDefaultBatchRows) {
    SQLRETURN code = SQLFetch(statement_);
    if (code == SQL_NO_DATA) {
      done_ = true;
      break;
    }
    if (!SQL_SUCCEEDED(code)) {
      return Status::Remote("reading the result failed: " +
                            Diagnostics(SQL_HANDLE_STMT, statement_, backend_.secret(), nullptr));
    }
    for (std::size_t c = 0; c < schema_.size(); ++c) {
      bool binary = schema_[c].type.kind() == TypeKind::kBinary;
      value.clear();
      bool null = false;
      while (true) {
        SQLLEN indicator = 0;
        SQLRETURN part = SQLGetData(statement_, static_cast<SQLUSMALLINT>(c + 1),
                                    binary ? SQL_C_BINARY : SQL_C_CHAR, buffer.data(),
                                    static_cast<SQLLEN>(buffer.size()), &indicator);
        if (part == SQL_NO_DATA) break;
        if (!SQL_SUCCEEDED(part)) {
          return Status::Remote(
              "reading column '" + schema_[c].name +
              "' failed: " + Diagnostics(SQL_HANDLE_STMT, statement_, backend_.secret(), nullptr));
        }
        if (indicator == SQL_NULL_DATA) {
          null = true;
          break;
        }
        // A truncated part fills the buffer (less the terminator for text).
        std::size_t room = binary ? buffer.size() : buffer.size() - 1;
        std::size_t got = indicator == SQL_NO_TOTAL || static_cast<std::size_t>(indicator) > room
                              ? room
                              : static_cast<std::size_t>(indicator);
        value.append(buffer.data(), got);
        if (part == SQL_SUCCESS) break;
      }
      arrow::Status status = null ? builders[c]->AppendNull() : builders[c]->Append(value);
      if (!status.ok()) return FromArrowStatus(status);
    }
    ++rows;
  }
  if (rows == 0) return Batch();
  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (std::size_t c = 0; c < schema_.size(); ++c) {
    std::shared_ptr<arrow::Array> text;
    arrow::Status status = builders[c]->Finish(&text);
    if (!status.ok()) return FromArrowStatus(status);
    MORTAR_ASSIGN_OR_RETURN(
        auto column,
        ConvertText(*text, schema_[c].type, TextOrigin{source_, schema_[c].name, rows_ + 1}));
    columns.push_back(std::move(column));
  }
  rows_ += rows;
  return arrow::RecordBatch::Make(schema_.ToArrow(), rows, std::move(columns));
}

}  // namespace

Result<std::unique_ptr<Backend>> OpenOdbcBackend(const OdbcBackendOptions& options,
                                                 std::unique_ptr<auth::TokenSource> tokens) {
  MORTAR_ASSIGN_OR_RETURN(std::string header, tokens->AuthorizationHeader());
  std::string token = header.rfind("Bearer ", 0) == 0 ? header.substr(7) : header;
  auto backend = std::make_unique<OdbcBackend>(options);
  MORTAR_RETURN_IF_ERROR(backend->Connect(token));
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace mortar::databricks
