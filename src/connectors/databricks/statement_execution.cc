#include "connectors/databricks/statement_execution.h"

#include <arrow/api.h>
#include <arrow/util/base64.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <deque>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "connectors/databricks/cloud_fetch.h"
#include "connectors/databricks/json_fields.h"
#include "connectors/databricks/statement_error.h"
#include "mortar/core/cell_text.h"
#include "mortar/http/http_error_detail.h"
#include "mortar/sql/dialect.h"

namespace mortar::databricks {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kStatements = "/api/2.0/sql/statements";
constexpr std::string_view kSessions = "/api/2.0/sql/sessions";
// Statement replies carry links, not rows: a few KiB; this bounds a hostile one.
constexpr std::size_t kMaxReplyBytes = std::size_t{16} << 20;
constexpr int kMaxRenewals = 5;

// Statement ids are UUIDs: anything else is refused before it goes into a URL path.
bool PlainId(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

// ISO 8601 UTC ("2024-01-01T00:00:00.000Z") as Unix milliseconds, or nullopt.
std::optional<int64_t> ExpiryMs(const std::string& text) {
  std::tm parts{};
  int milliseconds = 0;
  char zone = 0;
  int read = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &parts.tm_year,
                         &parts.tm_mon, &parts.tm_mday, &parts.tm_hour, &parts.tm_min,
                         &parts.tm_sec, &milliseconds, &zone);
  if (read < 6) return std::nullopt;
  parts.tm_year -= 1900;
  parts.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&parts)) * 1000 + (read >= 7 ? milliseconds : 0);
}

}  // namespace

Result<std::string> WarehouseIdOf(const std::string& http_path) {
  constexpr std::string_view kPrefix = "/sql/1.0/warehouses/";
  std::string path = http_path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.rfind(kPrefix, 0) == 0) {
    std::string id = path.substr(kPrefix.size());
    if (!id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) != 0;
        })) {
      return id;
    }
  }
  return Status::Invalid(
      "params.http_path: transport 'rest' (the Statement Execution API) runs statements on a "
      "SQL warehouse: the HTTP path must be /sql/1.0/warehouses/<id>, not '" +
      http_path + "'; use transport 'thrift' for a cluster");
}

class StatementExecution::Impl {
 public:
  Impl(StatementExecutionOptions options, std::unique_ptr<http::Transport> http,
       std::unique_ptr<auth::TokenSource> tokens)
      : options_(std::move(options)), http_(std::move(http)), tokens_(std::move(tokens)) {}
  ~Impl() { EndSession(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  const StatementExecutionOptions& options() const { return options_; }
  std::string Prefix() const { return "connection '" + options_.connection_name + "': "; }
  http::Clock& clock() const {
    return options_.clock != nullptr ? *options_.clock : http::SystemClock();
  }

  // One call to the API: the reply as JSON, or what the workspace answered. A call that
  // may change something (`repeatable` false) is never sent twice.
  Result<Json> Call(const std::string& method, const std::string& path, std::string body,
                    bool repeatable, const std::string& what) {
    MORTAR_ASSIGN_OR_RETURN(std::string authorization, tokens_->AuthorizationHeader());
    http::Request request;
    request.method = method;
    request.url = options_.workspace_url + path;
    request.body = std::move(body);
    request.max_response_bytes = kMaxReplyBytes;
    request.timeout = std::chrono::minutes(2);  // a POST waits at most 10 s on the server
    request.send_once = !repeatable;
    request.headers = {{"Accept", "application/json"},
                       {"User-Agent", "Mortar/0.1"},
                       {"Authorization", std::move(authorization)}};
    if (!request.body.empty()) request.headers.push_back({"Content-Type", "application/json"});
    http::RetryPolicy policy = options_.retry;
    policy.unavailable_needs_retry_after = !repeatable;
    policy.retry_connection_errors = repeatable;
    auto response = http::SendWithRetry(*http_, request, policy, clock());
    if (!response.ok()) return response.status().WithContext(Prefix() + what);
    Json reply = Json::parse(response->body, nullptr, false);
    if (response->status != 200) return Refused(*response, reply, what);
    if (reply.is_discarded() || !reply.is_object()) {
      return Status::Remote(Prefix() + "the workspace's reply to " + what +
                            " is not a JSON object; is the host a Databricks workspace?");
    }
    return reply;
  }

  Status Refused(const http::Response& response, const Json& reply, const std::string& what) {
    std::string code = TextField(reply, "error_code");
    std::string message = TextField(reply, "message");
    if (message.empty()) message = "no message";
    if (message.size() > 500) message = message.substr(0, 500) + "...";
    std::string said = "HTTP " + std::to_string(response.status) +
                       (code.empty() ? "" : " " + code) + ": " + message;
    Status error;
    switch (response.status) {
      case 401:
      case 403:
        error = Status::Auth(Prefix() + "the workspace refused the credentials for " + what + " (" +
                             said +
                             "); check the token: it may be wrong, expired, revoked or lack the "
                             "sql scope");
        break;
      case 404:
        error = Status::NotFound(Prefix() + what + " found nothing (" + said +
                                 "); check the warehouse id at the end of params.http_path");
        break;
      case 400:
        error = Status::Invalid(Prefix() + "the workspace refused " + what + " (" + said + ")");
        break;
      default:
        error = Status::Remote(Prefix() + "the workspace answered " + what + " with " + said);
    }
    return error.WithDetail(http::HttpErrorDetail(response.status));
  }

  // Runs a statement to its end: the reply once it has SUCCEEDED (its manifest and first
  // chunk of links).
  Result<Json> Run(const std::string& sql, const std::string& what) {
    // LZ4-framed Arrow, as Databricks' own drivers ask (result_compression; the manifest
    // says whether the server did): a small result inline in the answer, a large one in
    // files behind external links (the hybrid disposition).
    Json body = {{"statement", sql},
                 {"warehouse_id", options_.warehouse_id},
                 {"format", "ARROW_STREAM"},
                 {"disposition", hybrid_refused_ ? "EXTERNAL_LINKS" : "INLINE_OR_EXTERNAL_LINKS"},
                 {"result_compression", "LZ4_FRAME"},
                 {"wait_timeout", "10s"},
                 {"on_wait_timeout", "CONTINUE"}};
    MORTAR_ASSIGN_OR_RETURN(std::string session, Session());
    if (!session.empty()) {
      body["session_id"] = session;
    } else {
      if (!options_.catalog.empty()) body["catalog"] = options_.catalog;
      if (!options_.schema.empty()) body["schema"] = options_.schema;
    }
    MORTAR_ASSIGN_OR_RETURN(Json reply, Post(body, what));
    std::string id = TextField(reply, "statement_id");
    if (!PlainId(id)) {
      return Status::Remote(Prefix() + "the workspace answered " + what +
                            " without a statement id");
    }
    auto start = clock().Now();
    auto pause = std::chrono::milliseconds(10);
    while (true) {
      const Json& status = Member(reply, "status");
      std::string state = TextField(status, "state");
      if (state == "SUCCEEDED") {
        // The id checked above goes into the result's and the close's URLs, whatever a
        // later answer said.
        if (reply.is_object()) reply["statement_id"] = id;
        return reply;
      }
      if (state == "FAILED") {
        return StatementFailed(Prefix(), what, TextField(Member(status, "error"), "message"),
                               TextField(status, "sql_state"));
      }
      if (state == "CANCELED" || state == "CLOSED") {
        return Status::Cancelled(Prefix() + what + " was " +
                                 (state == "CANCELED" ? "cancelled" : "closed") + " on the server");
      }
      if (state != "PENDING" && state != "RUNNING") {
        Cancel(id);  // whatever it is doing, it must not commit after we report failure
        return Status::Remote(Prefix() + "the workspace answered " + what +
                              " with the unknown state '" + state + "'");
      }
      if (Status stop = KeepWaiting(Prefix(), what, options_.query_timeout, clock().Now() - start);
          !stop.ok()) {
        Cancel(id);
        return stop;
      }
      clock().SleepFor(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(500));
      auto polled = Call("GET", std::string(kStatements) + "/" + id, "", true, what);
      if (!polled.ok()) {
        // The statement may still be running: a replace reported failed must not
        // commit afterwards. Cancelled, as on a time-out (best effort: the poll failed).
        Cancel(id);
        return polled.status();
      }
      reply = std::move(*polled);
    }
  }

  // Sends a statement (never twice, but for this): a workspace that does not take the
  // hybrid disposition refuses the request with a 400 naming it, so ran nothing; the
  // statement is sent again, once, with links only, as every statement after it.
  Result<Json> Post(Json& body, const std::string& what) {
    auto posted = Call("POST", std::string(kStatements), body.dump(), false, what);
    if (posted.ok() || hybrid_refused_ || posted.status().code() != ErrorCode::kInvalidInput ||
        posted.status().message().find("INLINE_OR_EXTERNAL_LINKS") == std::string::npos) {
      return posted;
    }
    hybrid_refused_ = true;
    body["disposition"] = "EXTERNAL_LINKS";
    return Call("POST", std::string(kStatements), body.dump(), false, what);
  }

  // The session statements run in, opened at the first: its id, or "" when the options
  // ask for none or the workspace has no sessions API (ENDPOINT_NOT_FOUND).
  Result<std::string> Session() {
    if (session_asked_ || options_.session_parameters.empty()) return session_id_;
    Json body = {{"warehouse_id", options_.warehouse_id},
                 {"session_confs", options_.session_parameters}};
    if (!options_.catalog.empty()) body["catalog"] = options_.catalog;
    if (!options_.schema.empty()) body["schema"] = options_.schema;
    // Opening a session changes no data: a failed attempt may be sent again.
    auto reply = Call("POST", std::string(kSessions), body.dump(), true, "opening a session");
    if (!reply.ok()) {
      if (reply.status().code() == ErrorCode::kNotFound &&
          reply.status().message().find("ENDPOINT_NOT_FOUND") != std::string::npos) {
        session_asked_ = true;
        return session_id_;
      }
      return reply.status();
    }
    std::string id = TextField(*reply, "session_id");
    if (!PlainId(id)) {
      return Status::Remote(Prefix() +
                            "the workspace answered opening a session without a session id");
    }
    session_asked_ = true;
    session_id_ = std::move(id);
    return session_id_;
  }

  // Deletes the session: one attempt, so that a workspace gone away does not hold up the
  // command's end (it closes an idle session anyway).
  void EndSession() {
    if (session_id_.empty()) return;
    Json body = {{"warehouse_id", options_.warehouse_id}, {"session_id", session_id_}};
    (void)Call("DELETE", std::string(kSessions) + "/" + session_id_, body.dump(), false,
               "closing the session");
    session_id_.clear();
  }

  // One chunk's links (fresh ones each time it is asked for).
  Result<Json> Chunk(const std::string& id, int64_t index) {
    return Call("GET",
                std::string(kStatements) + "/" + id + "/result/chunks/" + std::to_string(index), "",
                true, "fetching the result's chunk " + std::to_string(index));
  }

  void Cancel(const std::string& id) {
    (void)Call("POST", std::string(kStatements) + "/" + id + "/cancel", "{}", true,
               "cancelling the statement");
  }

  // Frees the result on the server (best effort: it expires anyway).
  void Close(const std::string& id) {
    (void)Call("DELETE", std::string(kStatements) + "/" + id, "", true, "closing the statement");
  }

  std::unique_ptr<CloudFetchDownloads> MakeDownloads(bool lz4) {
    CloudFetchOptions options;
    options.connection_name = options_.connection_name;
    options.parallelism = std::max(1, options_.downloads);
    options.lz4 = lz4;
    options.retry = options_.retry;
    options.retry.retry_connection_errors = true;
    options.retry.retry_statuses = {429, 500, 502, 503, 504};
    auto factory = options_.download_transport;
    return std::make_unique<CloudFetchDownloads>(options, factory, clock());
  }

 private:
  StatementExecutionOptions options_;
  std::unique_ptr<http::Transport> http_;
  std::unique_ptr<auth::TokenSource> tokens_;
  bool session_asked_ = false;
  std::string session_id_;
  bool hybrid_refused_ = false;  // the workspace asked for EXTERNAL_LINKS only
};

namespace {

// A statement's rows: its chunks' external links downloaded a few at a time, each file
// read a batch at a time, in row order. Closes the statement when destroyed.
class LinkedResultReader final : public BatchReader {
 public:
  LinkedResultReader(StatementExecution::Impl& impl, Json reply, std::string source)
      : impl_(impl), reply_(std::move(reply)), source_(std::move(source)) {
    id_ = TextField(reply_, "statement_id");
  }
  ~LinkedResultReader() override {
    downloads_.reset();  // joins the download threads before the result goes
    impl_.Close(id_);
  }

  Status Init(const std::optional<Schema>& declared) {
    const Json& manifest = Member(reply_, "manifest");
    chunk_count_ = IntegerField(manifest, "total_chunk_count");
    const Json& columns = Member(Member(manifest, "schema"), "columns");
    if (columns.is_array()) {
      for (const auto& column : columns) {
        schema_.Add(Column{TextField(column, "name"),
                           sql::DatabricksDialect().DescribedType(TextField(column, "type_text")),
                           true});
      }
    }
    if (declared && declared->size() == schema_.size()) schema_ = *declared;
    arrow_schema_ = schema_.ToArrow();
    const Json& chunks = Member(manifest, "chunks");
    if (chunks.is_array()) {
      for (const auto& chunk : chunks) chunk_starts_.push_back(IntegerField(chunk, "row_offset"));
    }
    std::string compression = TextField(manifest, "result_compression");
    if (!compression.empty() && compression != "NONE" && compression != "LZ4_FRAME") {
      return Status::Remote(Prefix() + "the result is compressed with " + compression +
                            ", which Mortar cannot read (it asked for LZ4_FRAME)");
    }
    downloads_ = impl_.MakeDownloads(compression == "LZ4_FRAME");
    const Json& result = Member(reply_, "result");
    const Json& attachment = Member(result, "attachment");
    if (attachment.is_string()) return ReadInline(attachment, manifest, compression);
    AddLinks(Member(result, "external_links"));
    return Status::OK();
  }

  const Schema& schema() const override { return schema_; }

  Result<Batch> Next() override {
    while (true) {
      if (file_) {
        MORTAR_ASSIGN_OR_RETURN(Batch batch, file_->Next());
        if (!batch) {
          file_.reset();
          continue;
        }
        if (batch->num_rows() == 0) continue;
        rows_ += batch->num_rows();
        return ConformBatch(std::move(batch), arrow_schema_, source_);
      }
      if (downloads_->Waiting() == 0 && next_chunk_ >= chunk_count_) {
        // The manifest's count, when it gives one: a chunk never listed is rows lost.
        const Json& total = Member(Member(reply_, "manifest"), "total_row_count");
        if (total.is_number_integer() && total.get<int64_t>() != rows_) {
          return Status::Remote(Prefix() + "the result ended after " + std::to_string(rows_) +
                                " rows where the workspace announced " +
                                std::to_string(total.get<int64_t>()));
        }
        return Batch();
      }
      MORTAR_RETURN_IF_ERROR(NextFile());
    }
  }

 private:
  std::string Prefix() const { return "connection '" + impl_.options().connection_name + "': "; }

  // A small result the answer carries itself (base64 of one Arrow stream): read as a
  // downloaded file is, its rows checked against the manifest's count; nothing to fetch.
  Status ReadInline(const Json& attachment, const Json& manifest, const std::string& compression) {
    auto stream = arrow::util::base64_decode(attachment.get_ref<const std::string&>());
    if (!stream.ok()) {
      return Status::Remote(Prefix() + "the result the workspace sent inline is not base64");
    }
    ResultLink rows;
    rows.row_count = IntegerField(manifest, "total_row_count");
    auto batches = ArrowStreamBatches::Open(std::move(*stream), compression == "LZ4_FRAME");
    if (!batches.ok()) {
      return Status::Remote(Prefix() + "the result the workspace sent inline is not a valid " +
                            "Arrow stream: " + batches.status().message());
    }
    file_ =
        std::make_unique<FileBatches>(rows, std::move(*batches), impl_.options().connection_name);
    next_chunk_ = chunk_count_;
    return Status::OK();
  }

  void AddLinks(const Json& links) {
    if (!links.is_array()) return;
    std::vector<ResultLink> queued;
    for (const auto& link : links) {
      ResultLink result;
      result.url = TextField(link, "external_link");
      const Json& headers = Member(link, "http_headers");
      if (headers.is_object()) {
        for (const auto& [name, value] : headers.items()) {
          if (value.is_string()) result.headers.push_back({name, value.get<std::string>()});
        }
      }
      result.start_row = IntegerField(link, "row_offset");
      result.row_count = IntegerField(link, "row_count");
      result.bytes = IntegerField(link, "byte_count");
      result.expires_ms = ExpiryMs(TextField(link, "expiration"));
      next_chunk_ = std::max(next_chunk_, IntegerField(link, "chunk_index") + 1);
      queued.push_back(std::move(result));
    }
    downloads_->Add(std::move(queued));
  }

  // Asks for the links of the chunks ahead while the files in hand download, then hands
  // over the next file; a link that expired is asked for again.
  Status NextFile() {
    while (next_chunk_ < chunk_count_ &&
           downloads_->Waiting() <= static_cast<std::size_t>(impl_.options().downloads)) {
      int64_t index = next_chunk_;
      MORTAR_ASSIGN_OR_RETURN(Json chunk, impl_.Chunk(id_, index));
      AddLinks(Member(chunk, "external_links"));
      if (next_chunk_ <= index) {
        return Status::Remote(Prefix() + "the workspace listed no link for the result's chunk " +
                              std::to_string(index));
      }
    }
    MORTAR_ASSIGN_OR_RETURN(DownloadedFile file, downloads_->Next());
    if (file.expired) return Renew(file.link.start_row);
    MORTAR_RETURN_IF_ERROR(CheckFileFollows(file.link, rows_, impl_.options().connection_name));
    renewals_ = 0;
    file_ = std::move(file.batches);
    return Status::OK();
  }

  Status Renew(int64_t start_row) {
    if (++renewals_ > kMaxRenewals) {
      return Status::Remote(Prefix() +
                            "result links keep expiring before their files can be "
                            "downloaded; check this machine's clock");
    }
    auto at = std::upper_bound(chunk_starts_.begin(), chunk_starts_.end(), start_row);
    if (at == chunk_starts_.begin()) {
      return Status::Remote(Prefix() + "the result's manifest has no chunk holding row " +
                            std::to_string(start_row));
    }
    downloads_->Clear();
    next_chunk_ = static_cast<int64_t>(at - chunk_starts_.begin()) - 1;
    return Status::OK();
  }

  StatementExecution::Impl& impl_;
  Json reply_;
  std::string source_;
  std::string id_;
  Schema schema_;
  std::shared_ptr<arrow::Schema> arrow_schema_;
  int64_t chunk_count_ = 0;
  int64_t next_chunk_ = 0;  // the first chunk whose links are not asked for yet
  std::vector<int64_t> chunk_starts_;
  std::unique_ptr<CloudFetchDownloads> downloads_;
  std::unique_ptr<FileBatches> file_;
  int64_t rows_ = 0;  // rows handed over so far
  int renewals_ = 0;
};

// Rows of names as the metadata calls give them (TABLE_CAT, TABLE_SCHEM, ...).
Result<std::unique_ptr<BatchReader>> NameRows(const std::vector<std::string>& columns,
                                              const std::vector<std::vector<std::string>>& rows) {
  arrow::FieldVector fields;
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    arrow::StringBuilder builder;
    for (const auto& row : rows) {
      if (!builder.Append(row[c]).ok()) return Status::Internal("cannot build a name column");
    }
    std::shared_ptr<arrow::Array> array;
    if (!builder.Finish(&array).ok()) return Status::Internal("cannot build a name column");
    fields.push_back(arrow::field(columns[c], arrow::utf8()));
    arrays.push_back(std::move(array));
  }
  auto schema = arrow::schema(fields);
  auto batch = arrow::RecordBatch::Make(schema, static_cast<int64_t>(rows.size()), arrays);
  auto reader = arrow::RecordBatchReader::Make({batch}, schema);
  if (!reader.ok()) return Status::Internal("cannot build the names' reader");
  return FromArrowReader(*reader);
}

// The text of column `index` of every row a query returns.
Result<std::vector<std::vector<std::string>>> TextRows(BatchReader& reader) {
  std::vector<std::vector<std::string>> rows;
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader.Next());
    if (!batch) return rows;
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      std::vector<std::string> row;
      for (int c = 0; c < batch->num_columns(); ++c)
        row.push_back(CellToText(*batch->column(c), r));
      rows.push_back(std::move(row));
    }
  }
}

std::string Quoted(const std::string& name) {
  return sql::DatabricksDialect().QuoteIdentifier(name);
}

}  // namespace

StatementExecution::StatementExecution(StatementExecutionOptions options,
                                       std::unique_ptr<http::Transport> http,
                                       std::unique_ptr<auth::TokenSource> tokens)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(http), std::move(tokens))) {}

StatementExecution::~StatementExecution() = default;

Result<std::unique_ptr<BatchReader>> StatementExecution::Query(
    const std::string& sql, const std::optional<Schema>& declared) {
  MORTAR_ASSIGN_OR_RETURN(Json reply, impl_->Run(sql, "running the query"));
  auto reader = std::make_unique<LinkedResultReader>(*impl_, std::move(reply), "query");
  MORTAR_RETURN_IF_ERROR(reader->Init(declared));
  return std::unique_ptr<BatchReader>(std::move(reader));
}

Status StatementExecution::Execute(const std::string& sql) {
  MORTAR_ASSIGN_OR_RETURN(Json reply, impl_->Run(sql, "running the statement"));
  impl_->Close(TextField(reply, "statement_id"));
  return Status::OK();
}

Result<std::unique_ptr<BatchReader>> StatementExecution::Catalogs() {
  MORTAR_ASSIGN_OR_RETURN(auto reader, Query("SHOW CATALOGS"));
  MORTAR_ASSIGN_OR_RETURN(auto rows, TextRows(*reader));
  std::vector<std::vector<std::string>> names;
  for (auto& row : rows) {
    if (!row.empty()) names.push_back({row[0]});
  }
  return NameRows({"TABLE_CAT"}, names);
}

Result<std::unique_ptr<BatchReader>> StatementExecution::Schemas(const std::string& catalog) {
  std::string sql = "SHOW SCHEMAS";
  if (!catalog.empty()) sql += " IN " + Quoted(catalog);
  MORTAR_ASSIGN_OR_RETURN(auto reader, Query(sql));
  MORTAR_ASSIGN_OR_RETURN(auto rows, TextRows(*reader));
  std::vector<std::vector<std::string>> names;
  for (auto& row : rows) {
    if (!row.empty()) names.push_back({row[0], catalog});
  }
  return NameRows({"TABLE_SCHEM", "TABLE_CATALOG"}, names);
}

Result<std::unique_ptr<BatchReader>> StatementExecution::Tables(const std::string& catalog,
                                                                const std::string& schema) {
  // SHOW TABLES answers (schema, table, isTemporary); temporary views have no schema.
  std::string sql = "SHOW TABLES";
  if (!schema.empty()) {
    sql += " IN " + (catalog.empty() ? "" : Quoted(catalog) + ".") + Quoted(schema);
  }
  MORTAR_ASSIGN_OR_RETURN(auto reader, Query(sql));
  MORTAR_ASSIGN_OR_RETURN(auto rows, TextRows(*reader));
  std::vector<std::vector<std::string>> names;
  for (auto& row : rows) {
    if (row.size() < 2 || (row.size() > 2 && row[2] == "true")) continue;
    names.push_back({catalog, row[0], row[1]});
  }
  return NameRows({"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME"}, names);
}

Result<std::unique_ptr<BatchReader>> StatementExecution::Columns(const std::string& catalog,
                                                                 const std::string& schema,
                                                                 const std::string& table) {
  // A query's manifest has the table's exact types (what DESCRIBE would parse).
  std::string name = (catalog.empty() ? "" : Quoted(catalog) + ".") +
                     (schema.empty() ? "" : Quoted(schema) + ".") + Quoted(table);
  auto ran = impl_->Run("SELECT * FROM " + name + " LIMIT 0", "reading the columns of " + name);
  // A table that does not exist has no columns (the caller says so).
  if (!ran.ok() && ran.status().code() != ErrorCode::kNotFound) return ran.status();
  Json reply = ran.ok() ? std::move(*ran) : Json();
  std::vector<std::vector<std::string>> rows;
  const Json& columns = Member(Member(Member(reply, "manifest"), "schema"), "columns");
  if (columns.is_array()) {
    for (const auto& column : columns)
      rows.push_back({schema, table, TextField(column, "name"), TextField(column, "type_text")});
  }
  if (reply.is_object()) impl_->Close(TextField(reply, "statement_id"));
  return NameRows({"TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "TYPE_NAME"}, rows);
}

TestReport StatementExecution::Describe() const {
  return {{"server", "Databricks SQL (Statement Execution API)"},
          {"protocol", "REST /api/2.0/sql/statements"},
          {"driver", "built-in (Mortar's Statement Execution API driver)"},
          {"results", "Arrow streams through external links (" +
                          std::to_string(impl_->options().downloads) + " downloads at a time)"}};
}

}  // namespace mortar::databricks
