#include "connectors/databricks/databricks_connection.h"

#include <arrow/api.h>
#include <strings.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "connectors/databricks/cloud_files_sql.h"
#include "connectors/databricks/connection_settings.h"
#include "connectors/databricks/connection_string.h"
#include "connectors/databricks/credentials.h"
#include "connectors/databricks/direct_table_read.h"
#include "connectors/databricks/fast_write.h"
#include "connectors/databricks/insert_writer.h"
#include "connectors/databricks/odbc_attributes.h"
#include "connectors/databricks/odbc_backend.h"
#include "connectors/databricks/session.h"
#include "connectors/databricks/statement_execution.h"
#include "connectors/databricks/unity_catalog_api.h"
#include "connectors/databricks/volume_store.h"
#include "connectors/object_store_connection.h"
#include "connectors/staging_table_name.h"
#include "mortar/config/home.h"
#include "mortar/core/cell_text.h"
#include "mortar/core/parse_integer.h"
#include "mortar/core/value_text.h"
#include "mortar/http/client.h"
#include "mortar/security/accounts.h"
#include "mortar/security/permissions.h"
#include "mortar/security/vault.h"
#include "sql/statement_splitter.h"

namespace mortar::databricks {

namespace {

class DatabricksConnection final : public Connection, public SqlConnection, public InsertTarget {
 public:
  DatabricksConnection(config::ConnectionConfig config, ConnectionSettings settings,
                       const OpenScope& scope)
      : Connection(std::move(config)),
        settings_(std::move(settings)),
        home_(scope.home),
        user_(scope.user),
        tokens_(scope.tokens),
        open_connection_(scope.open_connection) {}

  Result<CredentialState> Credentials() override {
    return DescribeCredentials(settings_.auth, Scope());
  }
  Result<auth::OAuthClient> UserGrantClient() override {
    return MakeUserGrantClient(settings_.auth, Scope());
  }
  OpenScope Scope() const { return OpenScope{home_, user_, tokens_, open_connection_}; }

  Result<config::Json> ClientDetails() override {
    MORTAR_ASSIGN_OR_RETURN(auto tokens, OpenTokenSource(settings_.auth, Scope()));
    // OAuth tokens come with their expiry: the recipe asks again before then (and
    // never holds the refresh token or the client secret that renew them).
    MORTAR_ASSIGN_OR_RETURN(auth::ExpiringHeader header, tokens->CurrentHeader());
    constexpr std::string_view kBearer = "Bearer ";
    std::string token =
        header.value.rfind(kBearer, 0) == 0 ? header.value.substr(kBearer.size()) : header.value;
    // A self-hosted Spark Connect server (connect_url) may take its own token
    // (the connect_token secret); Databricks takes the workspace's.
    std::string connect_token = token;
    if (!settings_.connect_url.empty()) {
      MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(home_));
      MORTAR_ASSIGN_OR_RETURN(auto own,
                              vault.Get(security::ConnectionSecretSlot(name(), "connect_token")));
      if (own) connect_token = *own;
    }
    return config::Json{{"type", "databricks"},
                        {"host", settings_.host},
                        {"port", settings_.port},
                        {"http_path", settings_.http_path},
                        {"catalog", settings_.catalog},
                        {"schema", settings_.schema},
                        {"connect_url", settings_.connect_url},
                        {"cluster_id", settings_.cluster_id},
                        {"serverless", settings_.serverless},
                        {"ca_file", settings_.ca_file},
                        {"token", token},
                        {"token_expires_at", header.expires_at},
                        {"connect_token", connect_token}};
  }

  SqlConnection* AsSql() override { return this; }
  const sql::Dialect& dialect() const override { return sql::DatabricksDialect(); }
  const std::string& connection_name() const override { return name(); }

  Result<Backend*> GetSession() {
    if (backend_) return backend_.get();
    MORTAR_ASSIGN_OR_RETURN(auto tokens, OpenTokenSource(settings_.auth, Scope()));
    if (!settings_.driver_path.empty()) {
      MORTAR_ASSIGN_OR_RETURN(backend_, OpenOdbcBackend(OdbcOptions(), std::move(tokens)));
      return backend_.get();
    }
    MORTAR_ASSIGN_OR_RETURN(auto http,
                            http::MakeCurlTransport(http::TlsOptions{settings_.ca_file}));
    auto downloads = [ca_file = settings_.ca_file] {
      return http::MakeCurlTransport(http::TlsOptions{ca_file, true});
    };
    if (settings_.rest) {
      StatementExecutionOptions options;
      options.connection_name = name();
      options.workspace_url = settings_.auth.workspace_url;
      options.warehouse_id = settings_.warehouse_id;
      options.catalog = settings_.catalog;
      options.schema = settings_.schema;
      options.session_parameters = DatabricksSessionParameters();
      options.query_timeout = std::chrono::seconds(settings_.query_timeout_seconds);
      options.downloads = static_cast<int>(settings_.cloudfetch_downloads);
      options.download_transport = downloads;
      backend_ = std::make_unique<StatementExecution>(std::move(options), std::move(http),
                                                      std::move(tokens));
      return backend_.get();
    }
    SessionOptions options;
    options.connection_name = name();
    options.url =
        "https://" + settings_.host + ":" + std::to_string(settings_.port) + settings_.http_path;
    options.catalog = settings_.catalog;
    options.schema = settings_.schema;
    options.query_timeout = std::chrono::seconds(settings_.query_timeout_seconds);
    options.cloudfetch_downloads = static_cast<int>(settings_.cloudfetch_downloads);
    options.download_transport = downloads;
    MORTAR_ASSIGN_OR_RETURN(backend_, Session::Open(options, std::move(http), std::move(tokens)));
    return backend_.get();
  }

  OdbcBackendOptions OdbcOptions() const {
    OdbcBackendOptions options;
    options.connection_name = name();
    options.driver_path = settings_.driver_path;
    options.attributes = OdbcConnectionAttributes(settings_);
    return options;
  }

  Result<TestReport> Test() override {
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    TestReport report = {{"host", settings_.host + ":" + std::to_string(settings_.port)},
                         {"http path", settings_.http_path}};
    TestReport described = session->Describe();
    report.insert(report.end(), described.begin(), described.end());
    auto reader = session->Query(
        "SELECT current_catalog() AS catalog, current_database() AS schema, current_user() AS "
        "user");
    if (!reader.ok()) {
      // A user-provided driver may reach a server without these functions.
      if (settings_.driver_path.empty()) return reader.status();
      report.emplace_back("user", "(the server does not say)");
      return report;
    }
    MORTAR_ASSIGN_OR_RETURN(Batch batch, (*reader)->Next());
    if (batch && batch->num_rows() > 0) {
      report.emplace_back("catalog", CellToText(*batch->column(0), 0));
      report.emplace_back("schema", CellToText(*batch->column(1), 0));
      report.emplace_back("user", CellToText(*batch->column(2), 0));
    }
    report.emplace_back("direct reads", DirectReads());
    return report;
  }

  // Whether whole-table reads go to the tables' files, and where those are.
  std::string DirectReads() const {
    const auto& direct = settings_.direct_read;
    if (!direct.enabled) return "off (params.direct_read reads Unity Catalog tables' files)";
    std::string s3 =
        direct.storage_endpoint.empty() ? "AWS S3 in " + direct.region : direct.storage_endpoint;
    std::string azure = direct.azure_endpoint.empty() ? "Azure's Blob service"
                                                      : "Azure Blob at " + direct.azure_endpoint;
    return "on: whole-table reads of Unity Catalog tables from their Delta files on " + s3 +
           " or " + azure + ", where Unity Catalog vends read credentials (EXTERNAL USE SCHEMA)";
  }

  Result<std::unique_ptr<BatchReader>> Query(const std::string& sql) override {
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    std::optional<Schema> declared;
    if (!session->ExactMetadata()) declared = DescribeQuery(*session, sql);
    return session->Query(sql, declared);
  }

  // The open-source server's column-based results call TIMESTAMP_NTZ a timestamp and
  // nested values strings; DESCRIBE QUERY knows better. Not every statement can be
  // described (SHOW, DESCRIBE...): then the result's own types stand.
  std::optional<Schema> DescribeQuery(Backend& session, const std::string& sql) {
    auto reader = session.Query("DESCRIBE QUERY " + sql);
    if (!reader.ok()) return std::nullopt;
    auto name = (*reader)->schema().IndexOf("col_name");
    auto type = (*reader)->schema().IndexOf("data_type");
    if (!name || !type) return std::nullopt;
    Schema schema;
    while (true) {
      auto batch = (*reader)->Next();
      if (!batch.ok()) return std::nullopt;
      if (!*batch) break;
      for (int64_t r = 0; r < (*batch)->num_rows(); ++r) {
        auto mortar_type =
            dialect().MortarType(CellToText(*(*batch)->column(static_cast<int>(*type)), r));
        if (!mortar_type.ok()) return std::nullopt;
        schema.Add(
            Column{CellToText(*(*batch)->column(static_cast<int>(*name)), r), *mortar_type, true});
      }
    }
    return schema;
  }

  Result<Schema> QuerySchema(const std::string& sql) override {
    MORTAR_ASSIGN_OR_RETURN(auto reader, Query("SELECT * FROM (" + sql + ") AS q LIMIT 0"));
    return reader->schema();
  }

  Status Execute(const std::string& sql) override {
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    for (const auto& statement : sql::SplitStatements(sql, /*backslash_escapes=*/true)) {
      MORTAR_RETURN_IF_ERROR(session->Execute(statement));
    }
    return Status::OK();
  }

  // One statement Mortar generated: never split.
  Status ExecuteOne(const std::string& sql) override {
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    return session->Execute(sql);
  }

  // With params.direct_read: the table's Delta files read from storage with the
  // credentials Unity Catalog vends for them. Anything that stands in the way (no grant,
  // a feature Mortar does not read) leaves the read to the warehouse, and says why.
  Result<std::unique_ptr<BatchReader>> ReadWholeTable(
      const sql::TableName& table, const Schema& columns,
      const std::function<void(const std::string&)>& log) override {
    if (!settings_.direct_read.enabled || !settings_.driver_path.empty()) {
      return std::unique_ptr<BatchReader>();
    }
    sql::TableName full = Qualify(table);
    std::string full_name = full.catalog + "." + full.schema + "." + full.table;
    auto warehouse = [&](const std::string& why) {
      if (log) log("Reading " + full.ToString() + " through the warehouse, not directly: " + why);
      return std::unique_ptr<BatchReader>();
    };
    if (full.catalog.empty()) {
      return warehouse("no catalog is named (set params.catalog, or the dataset's catalog)");
    }
    MORTAR_ASSIGN_OR_RETURN(std::shared_ptr<auth::TokenSource> tokens,
                            OpenTokenSource(settings_.auth, Scope()));
    MORTAR_ASSIGN_OR_RETURN(std::shared_ptr<http::Transport> http,
                            http::MakeCurlTransport(http::TlsOptions{settings_.ca_file}));
    UnityCatalogApi api{name(), settings_.auth.workspace_url, http.get(), tokens.get()};
    auto vended = VendTableForRead(api, full_name);
    if (!vended.ok()) return warehouse(vended.status().message());
    const auto& direct = settings_.direct_read;
    DirectReadOptions options{name(),
                              full_name,
                              direct.storage_endpoint,
                              direct.region,
                              direct.ca_file,
                              direct.azure_endpoint,
                              static_cast<int>(direct.row_groups_ahead),
                              std::chrono::seconds(direct.renew_before_seconds)};
    // The read may outlast the credentials: new ones for the same table (by id: a table
    // re-made under the name meanwhile is another table), through the same client.
    options.renew = [api, tokens, http, id = vended->table_id, full_name] {
      return VendTableCredentials(api, id, full_name);
    };
    MORTAR_ASSIGN_OR_RETURN(DirectRead read, OpenDirectRead(*vended, columns, options));
    if (!read.reader) return warehouse("Mortar does not read its files: " + read.fallback_reason);
    if (log) {
      log("Reading " + full.ToString() + " directly from its Delta files (" +
          vended->credentials.storage_location + ") with Unity Catalog's read credentials");
    }
    return std::move(read.reader);
  }

  // Table names without a catalog or schema get the connection's defaults.
  sql::TableName Qualify(const sql::TableName& table) const {
    sql::TableName full = table;
    // Databricks' default schema; a user-provided driver knows its own default.
    if (full.schema.empty()) {
      full.schema = !settings_.schema.empty()       ? settings_.schema
                    : settings_.driver_path.empty() ? "default"
                                                    : "";
    }
    if (full.catalog.empty()) full.catalog = settings_.catalog;
    return full;
  }

  Result<std::vector<std::string>> ListCatalogs() override {
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    MORTAR_ASSIGN_OR_RETURN(auto reader, session->Catalogs());
    return Names(*reader, "TABLE_CAT", "GetCatalogs");
  }

  Result<std::vector<sql::TableName>> ListSchemas(const std::string& catalog) override {
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    std::string name = catalog.empty() ? settings_.catalog : catalog;
    if (name.empty()) {
      // GetSchemas without a catalog lists every catalog's: name the session's own.
      MORTAR_ASSIGN_OR_RETURN(auto reader, session->Query("SELECT current_catalog()"));
      MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
      if (batch && batch->num_rows() > 0) name = CellToText(*batch->column(0), 0);
    }
    MORTAR_ASSIGN_OR_RETURN(auto reader, session->Schemas(name));
    MORTAR_ASSIGN_OR_RETURN(auto names, Names(*reader, "TABLE_SCHEM", "GetSchemas"));
    std::vector<sql::TableName> schemas;
    for (auto& schema : names) schemas.push_back(sql::TableName{name, std::move(schema), ""});
    return schemas;
  }

  // One column of a metadata call's rows, sorted and without repeats.
  Result<std::vector<std::string>> Names(BatchReader& reader, const std::string& column,
                                         const std::string& call) {
    auto index = reader.schema().IndexOf(column);
    if (!index) {
      return Status::Remote("connection '" + name() + "': " + call + " returned no " + column +
                            " column");
    }
    std::vector<std::string> names;
    while (true) {
      MORTAR_ASSIGN_OR_RETURN(Batch batch, reader.Next());
      if (!batch) break;
      for (int64_t r = 0; r < batch->num_rows(); ++r)
        names.push_back(CellToText(*batch->column(static_cast<int>(*index)), r));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }

  Result<std::vector<sql::TableName>> ListTables(const std::string& catalog,
                                                 const std::string& schema) override {
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    MORTAR_ASSIGN_OR_RETURN(auto reader,
                            session->Tables(catalog.empty() ? settings_.catalog : catalog,
                                            schema.empty() ? settings_.schema : schema));
    std::vector<sql::TableName> tables;
    auto cat = reader->schema().IndexOf("TABLE_CAT");
    auto sch = reader->schema().IndexOf("TABLE_SCHEM");
    auto tab = reader->schema().IndexOf("TABLE_NAME");
    if (!tab)
      return Status::Remote("connection '" + name() + "': GetTables returned no TABLE_NAME column");
    while (true) {
      MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
      if (!batch) break;
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        sql::TableName table;
        if (cat) table.catalog = CellToText(*batch->column(static_cast<int>(*cat)), r);
        if (sch) table.schema = CellToText(*batch->column(static_cast<int>(*sch)), r);
        table.table = CellToText(*batch->column(static_cast<int>(*tab)), r);
        if (table.table.rfind("__mortar_tmp_", 0) == 0) continue;
        tables.push_back(std::move(table));
      }
    }
    return tables;
  }

  Result<std::optional<Schema>> DescribeTable(const sql::TableName& table) override {
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    sql::TableName full = Qualify(table);
    if (session->ExactMetadata()) return ColumnsOf(*session, full);
    // The open-source server's GetColumns reads the metastore, where Delta tables
    // keep no columns; DESCRIBE TABLE asks Delta itself.
    auto reader = session->Query("DESCRIBE TABLE " + dialect().TableReference(full));
    if (!reader.ok()) {
      if (reader.status().code() == ErrorCode::kNotFound) return std::optional<Schema>();
      return reader.status();
    }
    auto name = (*reader)->schema().IndexOf("col_name");
    auto type = (*reader)->schema().IndexOf("data_type");
    if (!name || !type)
      return Status::Remote("connection '" + this->name() +
                            "': DESCRIBE TABLE gave an unexpected shape");
    Schema schema;
    bool done = false;
    while (!done) {
      MORTAR_ASSIGN_OR_RETURN(Batch batch, (*reader)->Next());
      if (!batch) break;
      for (int64_t r = 0; r < batch->num_rows() && !done; ++r) {
        std::string column = CellToText(*batch->column(static_cast<int>(*name)), r);
        // Partitioning and other details follow an empty line or a '#' heading.
        if (column.empty() || column[0] == '#') {
          done = true;
          break;
        }
        schema.Add(Column{
            column, dialect().DescribedType(CellToText(*batch->column(static_cast<int>(*type)), r)),
            true});
      }
    }
    if (schema.empty()) return std::optional<Schema>();
    return std::optional<Schema>(std::move(schema));
  }

  // Databricks: the GetColumns metadata call.
  Result<std::optional<Schema>> ColumnsOf(Backend& session, const sql::TableName& full) {
    MORTAR_ASSIGN_OR_RETURN(auto reader, session.Columns(full.catalog, full.schema, full.table));
    auto table_index = reader->schema().IndexOf("TABLE_NAME");
    auto schema_index = reader->schema().IndexOf("TABLE_SCHEM");
    auto column_index = reader->schema().IndexOf("COLUMN_NAME");
    auto type_index = reader->schema().IndexOf("TYPE_NAME");
    if (!table_index || !column_index || !type_index) {
      return Status::Remote("connection '" + name() + "': GetColumns returned an unexpected shape");
    }
    auto same = [](const std::string& a, const std::string& b) {
      return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
    };
    Schema schema;
    while (true) {
      MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
      if (!batch) break;
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        // Names are LIKE patterns ('_' matches any character): keep exact matches.
        if (!same(CellToText(*batch->column(static_cast<int>(*table_index)), r), full.table))
          continue;
        if (schema_index &&
            !same(CellToText(*batch->column(static_cast<int>(*schema_index)), r), full.schema)) {
          continue;
        }
        std::string column = CellToText(*batch->column(static_cast<int>(*column_index)), r);
        schema.Add(Column{
            column,
            dialect().DescribedType(CellToText(*batch->column(static_cast<int>(*type_index)), r)),
            true});
      }
    }
    if (schema.empty()) return std::optional<Schema>();
    return std::optional<Schema>(std::move(schema));
  }

  Result<std::unique_ptr<BatchWriter>> OpenTableWriter(const sql::TableName& table,
                                                       const Schema& schema,
                                                       WriteMode mode) override {
    sql::TableName target = Qualify(table);
    MORTAR_ASSIGN_OR_RETURN(sql::TableName staging, StagingName(target));
    auto* insert = new InsertWriter(*this, target, staging, schema, mode);
    std::unique_ptr<BatchWriter> plain(insert);
    if (!settings_.fast_write.enabled) return plain;
    auto store = FastWriteStore();
    if (!store.ok()) {
      plain->Abort();
      return store.status();
    }
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    FastWriteTarget fast;
    fast.connection = name();
    fast.dialect = &dialect();
    fast.table = target;
    fast.mode = mode;
    fast.staging = staging;
    fast.schema = schema;
    fast.copy_into = UseCopyInto(*session);
    fast.execute = [this](const std::string& sql) { return ExecuteOne(sql); };
    fast.create_if_missing = [this, target, schema] { return CreateIfMissing(target, schema); };
    // The fast writer owns the plain writer, so `insert` lives as long as it is called.
    fast.create_staging = [insert] { return insert->CreateStaging(); };
    return MakeFastWriter(std::move(plain), std::move(fast), settings_.fast_write,
                          std::move(*store));
  }

  // The S3 or Azure Blob connection that stages fast-write files. Its path must hold no
  // dataset: staged files come and go there.
  Result<std::unique_ptr<StagingStore>> FastWriteStore() {
    const FastWriteSettings& fast = settings_.fast_write;
    if (!fast.volume.empty()) {
      return MakeVolumeStagingStore(
          fast.volume, [this](const std::string& sql) { return RunStagingStatement(sql); },
          [ca_file = settings_.ca_file] {
            return http::MakeCurlTransport(http::TlsOptions{ca_file, true});
          });
    }
    auto config = home_.LoadConnection(fast.connection);
    if (!config.ok()) {
      return config.status().WithContext("connection '" + name() +
                                         "': fast_write.connection names no usable connection");
    }
    MORTAR_ASSIGN_OR_RETURN(auto projects, home_.ListProjects());
    for (const auto& project_name : projects) {
      MORTAR_ASSIGN_OR_RETURN(auto project, home_.OpenProject(project_name));
      MORTAR_ASSIGN_OR_RETURN(auto datasets, project.ListDatasets());
      for (const auto& dataset_name : datasets) {
        auto dataset = project.LoadDataset(dataset_name);
        if (!dataset.ok() || dataset->connection != fast.connection) continue;
        std::string path = dataset->params.value("path", "");
        while (!path.empty() && path.front() == '/') path.erase(0, 1);
        std::string prefix = fast.path;
        while (!prefix.empty() && prefix.front() == '/') prefix.erase(0, 1);
        if (prefix.empty() || path.rfind(prefix, 0) == 0) {
          return Status::Invalid("connection '" + name() + "': fast_write.path '" + fast.path +
                                 "' holds dataset '" + dataset_name + "' of project '" +
                                 project_name +
                                 "'; staged files are created and deleted there, so choose a "
                                 "path that holds no dataset");
        }
      }
    }
    return CloudStore(*config, "fast_write.connection");
  }

  // Loads use COPY INTO on Databricks (whose sessions give exact metadata), the Spark
  // SQL equivalent on the open-source server, unless fast_write.load says which.
  bool UseCopyInto(Backend& session) const {
    return settings_.fast_write.load == "copy_into" ||
           (settings_.fast_write.load == "auto" && session.ExactMetadata());
  }

  // A connection to cloud object storage (S3, Azure Blob) as the database reaches it:
  // its URIs and the credential COPY INTO needs. `role` says where it was named.
  Result<std::unique_ptr<StagingStore>> CloudStore(const config::ConnectionConfig& config,
                                                   const std::string& role) {
    if (!open_connection_) {
      return Status::Internal("connection '" + name() +
                              "' was opened without a way to open the connection '" + config.name +
                              "' it stages files on");
    }
    MORTAR_ASSIGN_OR_RETURN(auto connection, open_connection_(config));
    ObjectStoreConnection* objects = connection->AsObjectStore();
    if (objects == nullptr) {
      return Status::Invalid("connection '" + name() + "': " + role + " '" + config.name +
                             "' is of type '" + config.type +
                             "'; expected an s3 or azure_blob connection");
    }
    MORTAR_ASSIGN_OR_RETURN(auto store, objects->Store());
    return MakeStagingStore(std::move(store));
  }

  Result<std::unique_ptr<StagingStore>> CloudStore(const CloudLocation& location) {
    MORTAR_ASSIGN_OR_RETURN(auto config, home_.LoadConnection(location.connection));
    return CloudStore(config, "the files' connection");
  }

  // A staging statement (PUT/REMOVE on a volume) answers with one row: operation,
  // presignedUrl, localFile and headers.
  Result<StagingAnswer> RunStagingStatement(const std::string& sql) {
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    MORTAR_ASSIGN_OR_RETURN(auto reader, session->Query(sql));
    auto operation = reader->schema().IndexOf("operation");
    auto url = reader->schema().IndexOf("presignedUrl");
    auto headers = reader->schema().IndexOf("headers");
    if (!operation || !url) {
      return Status::Remote("connection '" + name() +
                            "': the server did not answer the staging statement with a "
                            "presigned URL (does it support Unity Catalog volumes?)");
    }
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
    if (!batch || batch->num_rows() == 0)
      return Status::Remote("connection '" + name() + "': the staging statement returned no row");
    return StagingAnswerFromRow(
        CellToText(*batch->column(static_cast<int>(*operation)), 0),
        CellToText(*batch->column(static_cast<int>(*url)), 0),
        headers ? CellToText(*batch->column(static_cast<int>(*headers)), 0) : "");
  }

  // A write cut short by a server that died leaves its staging table behind; a later
  // write to the same table removes it, but never a concurrent write's live one
  // (staging_table_name.h says how they are told apart).
  Status DropLeftoverStaging(const sql::TableName& target) {
    sql::TableName in_schema{target.catalog, target.schema, ""};
    std::string where = in_schema.catalog.empty()
                            ? dialect().QuoteIdentifier(in_schema.schema)
                            : dialect().TableReference({"", in_schema.catalog, in_schema.schema});
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    std::string prefix = StagingTablePrefix(target);
    auto listed =
        session->Query("SHOW TABLES IN " + where + " LIKE " + dialect().QuoteString(prefix + "*"));
    // Best effort: a server (or user-provided driver) without SHOW TABLES still writes.
    if (!listed.ok()) return Status::OK();
    auto& reader = *listed;
    auto column = reader->schema().IndexOf("tableName");
    std::vector<std::string> leftovers;
    while (column) {
      MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
      if (!batch) break;
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        std::string name = CellToText(*batch->column(static_cast<int>(*column)), r);
        if (IsLeftoverStagingTable(target, name)) leftovers.push_back(std::move(name));
      }
    }
    for (const auto& name : leftovers) {
      MORTAR_RETURN_IF_ERROR(
          ExecuteOne(dialect().DropTableIfExists({target.catalog, target.schema, name})));
    }
    return Status::OK();
  }

  // Databricks reads S3 (s3://) and Azure Blob (abfss://) files with the credential
  // COPY INTO is given; open-source Spark reads them as s3a:// and abfs:// with its own
  // Hadoop settings.
  static Status CanReachCloud(const std::string& connection, const CloudFiles& files,
                              const std::string& what) {
    if (files.location.scheme != "s3" && files.location.scheme != "abfss") {
      return Status::Invalid("connection '" + connection + "' " + what +
                             " only S3 and Azure Blob; '" + files.location.connection + "' is " +
                             files.location.scheme);
    }
    return Status::OK();
  }

  Status CanLoadCloudFiles(const CloudFiles& files) const override {
    return CanReachCloud(name(), files, "loads files directly from");
  }

  // Loads into a staging table (COPY INTO on Databricks, Spark SQL on the open-source
  // server), then swaps it in as a written table is: the old table stays as it was
  // when anything fails. The open-source server replaces a table straight from the
  // files instead, in one Delta transaction (CREATE OR REPLACE TABLE ... AS SELECT), so
  // the rows are written once.
  Result<int64_t> LoadCloudFiles(const sql::TableName& table, const Schema& schema,
                                 const CloudFiles& files, WriteMode mode,
                                 const BatchWriter::LogLine& log) override {
    auto say = [&](const std::string& line) {
      if (log) log(line);
    };
    MORTAR_RETURN_IF_ERROR(CanLoadCloudFiles(files));
    MORTAR_ASSIGN_OR_RETURN(auto store, CloudStore(files.location));
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    bool copy_into = UseCopyInto(*session);
    MORTAR_ASSIGN_OR_RETURN(StagedFiles located,
                            store->Locate(files.location.path, StagingFormat::kParquet, copy_into));
    auto run = [&](const std::vector<std::string>& statements) {
      for (const auto& statement : statements) {
        Status status = ExecuteOne(statement);
        if (!status.ok())
          return Status(status.code(), ScrubSecrets(status.message(), store->Secrets(), dialect()));
      }
      return Status::OK();
    };
    sql::TableName target = Qualify(table);
    if (!copy_into && mode == WriteMode::kReplace) {
      say("loading with Spark SQL (the server has no COPY INTO): CREATE OR REPLACE TABLE " +
          dialect().TableReference(target) + " AS SELECT over the files, in one transaction");
      MORTAR_RETURN_IF_ERROR(
          run(SparkLoadFilesSql(dialect(), target, schema, files, located.spark_uri,
                                "__mortar_files_" + target.table, mode)));
      return CountRows(dialect().TableReference(target));
    }
    MORTAR_ASSIGN_OR_RETURN(sql::TableName staging, StagingName(target));
    InsertWriter swap(*this, target, staging, schema, mode);
    MORTAR_RETURN_IF_ERROR(swap.CreateStaging());
    say(std::string("loading with ") +
        (copy_into ? "COPY INTO " : "Spark SQL (the server has no COPY INTO) into ") +
        dialect().TableReference(staging) + ", then " +
        (mode == WriteMode::kReplace ? "swapping it in for " : "appending it to ") +
        dialect().TableReference(target));
    Status loaded = run(copy_into ? std::vector<std::string>{CopyIntoFromFilesSql(
                                        dialect(), staging, schema, files, located)}
                                  : SparkLoadFilesSql(dialect(), staging, schema, files,
                                                      located.spark_uri, staging.table + "_files"));
    if (!loaded.ok()) {
      swap.Abort();
      return loaded;
    }
    MORTAR_ASSIGN_OR_RETURN(int64_t rows, CountRows(dialect().TableReference(staging)));
    MORTAR_RETURN_IF_ERROR(swap.Commit());
    return rows;
  }

  Status CanUnloadToCloud(const CloudFiles& files) const override {
    return CanReachCloud(name(), files, "writes files directly to");
  }

  // The database writes with its own access to the store: no credential clause exists
  // for INSERT OVERWRITE DIRECTORY (on Databricks, an external location grants it).
  Status UnloadToCloud(const std::string& select_sql, const CloudFiles& files,
                       const CloudLocation& folder, const BatchWriter::LogLine& log) override {
    MORTAR_RETURN_IF_ERROR(CanUnloadToCloud(files));
    MORTAR_ASSIGN_OR_RETURN(auto store, CloudStore(folder));
    MORTAR_ASSIGN_OR_RETURN(StagedFiles located,
                            store->Locate(folder.path, StagingFormat::kParquet, false));
    MORTAR_ASSIGN_OR_RETURN(Backend * session, GetSession());
    std::string uri = session->ExactMetadata() ? located.copy_into_uri : located.spark_uri;
    if (log) log("unloading with INSERT OVERWRITE DIRECTORY '" + uri + "'");
    return ExecuteOne(UnloadSql(dialect(), select_sql, files, uri));
  }

  Result<int64_t> CountRows(const std::string& source) {
    MORTAR_ASSIGN_OR_RETURN(auto reader, Query("SELECT COUNT(*) AS n FROM " + source));
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
    if (!batch || batch->num_rows() == 0) return int64_t{-1};
    std::string count = CellToText(*batch->column(0), 0);
    auto rows = ParseInteger(count);
    if (!rows) return Status::Remote("the server counted '" + count + "' rows in " + source);
    return *rows;
  }

  Status CreateIfMissing(const sql::TableName& table, const Schema& schema) override {
    MORTAR_ASSIGN_OR_RETURN(auto existing, DescribeTable(table));
    if (existing.has_value()) return Status::OK();
    return ExecuteOne(dialect().CreateTable(table, schema));
  }

  // A new name for a write's staging table, beside its target; leftovers of writes cut
  // short go first.
  Result<sql::TableName> StagingName(const sql::TableName& target) {
    MORTAR_RETURN_IF_ERROR(DropLeftoverStaging(target));
    sql::TableName staging = target;
    staging.table = StagingTableName(target);
    return staging;
  }

  Result<int64_t> ReplaceTableWithQuery(const sql::TableName& table, const Schema& schema,
                                        const std::string& select_sql) override {
    // Delta replaces the table in one transaction: readers see the old or the new.
    MORTAR_RETURN_IF_ERROR(
        ExecuteOne(ReplaceTableHead(dialect(), Qualify(table), schema) + " " + select_sql));
    return -1;
  }

 private:
  ConnectionSettings settings_;
  config::Home home_;
  std::string user_;
  auth::TokenSourceCache* tokens_;
  ConnectionOpener open_connection_;
  std::unique_ptr<Backend> backend_;
};

class DatabricksConnectionType final : public ConnectionType {
 public:
  std::string_view name() const override { return "databricks"; }
  std::string_view description() const override { return "a Databricks SQL warehouse or cluster"; }
  Result<std::unique_ptr<Connection>> Create(const config::ConnectionConfig& config,
                                             const OpenScope& scope) const override {
    MORTAR_ASSIGN_OR_RETURN(ConnectionSettings settings,
                            ParseConnectionSettings(config, scope.home));
    return std::unique_ptr<Connection>(
        new DatabricksConnection(config, std::move(settings), scope));
  }
};

}  // namespace

std::unique_ptr<ConnectionType> MakeDatabricksConnectionType() {
  return std::make_unique<DatabricksConnectionType>();
}

}  // namespace mortar::databricks
