#include "connectors/databricks/session.h"

#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/reader.h>
#include <thrift/TApplicationException.h>
#include <thrift/protocol/TProtocolException.h>
#include <thrift/transport/TTransportException.h>

#include <deque>

#include "TCLIService.h"
#include "connectors/databricks/checked_binary_protocol.h"
#include "connectors/databricks/cloud_fetch.h"
#include "connectors/databricks/result_decoder.h"
#include "connectors/databricks/statement_error.h"
#include "mortar/sql/dialect.h"

namespace mortar::databricks {

namespace {

using apache::thrift::TApplicationException;
using apache::thrift::protocol::TProtocolException;
using apache::thrift::transport::TTransportException;

constexpr int32_t kHiveProtocolV10 = 9;
constexpr int64_t kSparkProtocolV1 = 0xA501;
constexpr int64_t kSparkProtocolV3 = 0xA503;
constexpr int64_t kSparkProtocolV5 = 0xA505;
constexpr int64_t kSparkProtocolV6 = 0xA506;
constexpr int64_t kSparkProtocolV8 = 0xA508;

// TStatusCode
constexpr int kStatusError = 3;
constexpr int kStatusInvalidHandle = 4;
// TOperationState
constexpr int kFinished = 2;
constexpr int kCanceled = 3;
constexpr int kClosed = 4;
constexpr int kError = 5;
constexpr int kTimedOut = 8;
// TSparkRowSetType
constexpr int kUrlBasedSet = 3;

}  // namespace

std::string ServerInfo::ProtocolName() const {
  if (protocol_version >= kSparkProtocolV1) {
    return "SPARK_CLI_SERVICE_PROTOCOL_V" + std::to_string(protocol_version - kSparkProtocolV1 + 1);
  }
  return "HIVE_CLI_SERVICE_PROTOCOL_V" + std::to_string(protocol_version + 1);
}

bool ServerInfo::ArrowResults() const {
  return protocol_version >= kSparkProtocolV5;
}
bool ServerInfo::Lz4Results() const {
  return protocol_version >= kSparkProtocolV6;
}
bool ServerInfo::CloudFetch() const {
  return protocol_version >= kSparkProtocolV3;
}

class Session::Impl {
 public:
  Impl(const SessionOptions& options, std::unique_ptr<http::Transport> http,
       std::unique_ptr<auth::TokenSource> tokens)
      : options_(options), http_(std::move(http)), tokens_(std::move(tokens)) {
    transport_ = std::make_shared<ThriftHttpTransport>(options.connection_name, options.url,
                                                       http_.get(), tokens_.get(), options.retry);
    auto protocol = std::make_shared<CheckedBinaryProtocol>(transport_);
    client_ = std::make_unique<wire::TCLIServiceClient>(protocol);
  }

  std::string Prefix() const { return "connection '" + options_.connection_name + "': "; }

  // Runs one Thrift call, turning every exception into a Status at this boundary.
  template <typename Call>
  Status Invoke(const std::string& what, Call&& call) {
    transport_->ClearError();
    // Running a statement twice, or skipping a page, is worse than failing.
    transport_->SetRepeatable(what != "ExecuteStatement" && what != "FetchResults");
    try {
      call();
      return Status::OK();
    } catch (const TTransportException& error) {
      if (!transport_->last_error().ok()) return transport_->last_error();
      return Status::Remote(Prefix() + "the connection broke during " + what + ": " + error.what());
    } catch (const TProtocolException& error) {
      return Status::Remote(Prefix() + "the server's reply to " + what + " is not valid (" +
                            error.what() + "); is the HTTP path a SQL warehouse?");
    } catch (const TApplicationException& error) {
      return Status::Remote(Prefix() + "the server failed " + what + ": " + error.what());
    } catch (const std::exception& error) {
      return Status::Internal(Prefix() + what + ": " + error.what());
    }
  }

  Status Check(const wire::TStatus& status, const std::string& what) const {
    if (status.statusCode != kStatusError && status.statusCode != kStatusInvalidHandle) {
      return Status::OK();
    }
    std::string message =
        !status.displayMessage.empty() ? status.displayMessage : status.errorMessage;
    if (message.empty()) message = "no message from the server";
    return ServerError(what, message, status.sqlState);
  }

  Status ServerError(const std::string& what, std::string message,
                     const std::string& sql_state) const {
    return StatementFailed(Prefix(), what, std::move(message), sql_state);
  }

  Result<ServerInfo> OpenSession() {
    wire::TOpenSessionReq request;
    request.client_protocol = kHiveProtocolV10;
    request.__set_client_protocol_i64(kSparkProtocolV8);
    if (!options_.catalog.empty() || !options_.schema.empty()) {
      wire::TNamespace name;
      if (!options_.catalog.empty()) name.__set_catalogName(options_.catalog);
      if (!options_.schema.empty()) name.__set_schemaName(options_.schema);
      request.__set_initialNamespace(name);
    }
    request.__set_canUseMultipleCatalogs(true);
    // Databricks takes its session parameters here (the open-source server ignores them:
    // it is told the time zone with a statement, below).
    request.__set_configuration(DatabricksSessionParameters());
    wire::TOpenSessionResp response;
    MORTAR_RETURN_IF_ERROR(Invoke("OpenSession", [&] { client_->OpenSession(response, request); }));
    MORTAR_RETURN_IF_ERROR(Check(response.status, "opening a session"));
    if (!response.__isset.sessionHandle)
      return Status::Remote(Prefix() + "the server opened no session");
    session_ = response.sessionHandle;
    open_ = true;
    ServerInfo server;
    server.protocol_version = response.serverProtocolVersion;
    server.databricks = server.protocol_version >= kSparkProtocolV1;
    server_ = server;
    return server;
  }

  void CloseSession() {
    if (!open_) return;
    wire::TCloseSessionReq request;
    request.sessionHandle = session_;
    wire::TCloseSessionResp response;
    (void)Invoke("CloseSession", [&] { client_->CloseSession(response, request); });
    open_ = false;
  }

  struct Operation {
    wire::TOperationHandle handle;
    bool closed = false;  // closed by the server in direct results
    std::optional<wire::TGetResultSetMetadataResp> metadata;
    std::optional<wire::TFetchResultsResp> first_page;
  };

  void CloseOperation(Operation& operation) {
    if (operation.closed) return;
    wire::TCloseOperationReq request;
    request.operationHandle = operation.handle;
    wire::TCloseOperationResp response;
    (void)Invoke("CloseOperation", [&] { client_->CloseOperation(response, request); });
    operation.closed = true;
  }

  void CancelOperation(Operation& operation) {
    wire::TCancelOperationReq request;
    request.operationHandle = operation.handle;
    wire::TCancelOperationResp response;
    (void)Invoke("CancelOperation", [&] { client_->CancelOperation(response, request); });
  }

  // Waits for the operation to finish, cancelling it on time-out or interruption.
  Status Wait(Operation& operation, const std::string& what,
              std::optional<wire::TGetOperationStatusResp> status) {
    auto start = clock().Now();
    // Polls start at least `pause` apart (growing to half a second), and the time the
    // server held the last one counts: a server may hold GetOperationStatus until the
    // state changes or a while passes (the stand-in's warehouse does; Databricks' Python
    // connector polls without pausing, counting on it), and sleeping after such an answer
    // would only add to the wait once the statement has finished.
    auto pause = std::chrono::milliseconds(10);
    auto held = std::chrono::milliseconds(0);
    while (true) {
      if (status) {
        MORTAR_RETURN_IF_ERROR(Check(status->status, what));
        switch (status->operationState) {
          case kFinished:
            return Status::OK();
          case kError: {
            std::string message =
                !status->displayMessage.empty() ? status->displayMessage : status->errorMessage;
            return ServerError(what, message.empty() ? "no message from the server" : message,
                               status->sqlState);
          }
          case kCanceled:
          case kClosed:
            return Status::Cancelled(Prefix() + what + " was cancelled on the server");
          case kTimedOut:
            return Status::Remote(Prefix() + what + " took longer than the query time-out of " +
                                  std::to_string(options_.query_timeout.count()) +
                                  " s and was cancelled by the server; raise "
                                  "params.query_timeout_seconds if it needs longer");
          default:
            break;
        }
      }
      if (Status stop = KeepWaiting(Prefix(), what, options_.query_timeout, clock().Now() - start);
          !stop.ok()) {
        CancelOperation(operation);
        return stop;
      }
      if (status) {
        if (held < pause) clock().SleepFor(pause - held);
        pause = std::min(pause * 2, std::chrono::milliseconds(500));
      }
      wire::TGetOperationStatusReq request;
      request.operationHandle = operation.handle;
      wire::TGetOperationStatusResp response;
      const auto asked = clock().Now();
      MORTAR_RETURN_IF_ERROR(
          Invoke("GetOperationStatus", [&] { client_->GetOperationStatus(response, request); }));
      held = std::chrono::duration_cast<std::chrono::milliseconds>(clock().Now() - asked);
      status = response;
    }
  }

  template <typename Response>
  Result<Operation> Started(const Response& response, const std::string& what) {
    MORTAR_RETURN_IF_ERROR(Check(response.status, what));
    if (!response.__isset.operationHandle)
      return Status::Remote(Prefix() + "the server started no operation for " + what);
    Operation operation;
    operation.handle = response.operationHandle;
    std::optional<wire::TGetOperationStatusResp> status;
    if (response.__isset.directResults) {
      const auto& direct = response.directResults;
      if (direct.__isset.operationStatus) status = direct.operationStatus;
      if (direct.__isset.resultSetMetadata) operation.metadata = direct.resultSetMetadata;
      if (direct.__isset.resultSet) operation.first_page = direct.resultSet;
      if (direct.__isset.closeOperation) operation.closed = true;
    }
    Status waited = Wait(operation, what, status);
    if (!waited.ok()) {
      CloseOperation(operation);
      return waited;
    }
    return operation;
  }

  void DirectResultsWanted(wire::TSparkGetDirectResults* direct) const {
    direct->maxRows = options_.page_rows;
  }

  Result<Operation> ExecuteStatement(const std::string& sql) {
    wire::TExecuteStatementReq request;
    request.sessionHandle = session_;
    request.statement = sql;
    request.__set_runAsync(true);
    if (options_.query_timeout.count() > 0)
      request.__set_queryTimeout(options_.query_timeout.count());
    if (server_.databricks) {
      wire::TSparkGetDirectResults direct;
      DirectResultsWanted(&direct);
      request.__set_getDirectResults(direct);
      request.__set_canReadArrowResult(true);
      request.__set_canDecompressLZ4Result(true);
      request.__set_canDownloadResult(true);
      wire::TSparkArrowTypes types;
      types.__set_timestampAsArrow(true);
      types.__set_decimalAsArrow(true);
      types.__set_complexTypesAsArrow(true);
      types.__set_intervalTypesAsArrow(false);
      request.__set_useArrowNativeTypes(types);
    }
    wire::TExecuteStatementResp response;
    // Never retried but on 429/503 (the transport's policy): a statement may not be idempotent.
    MORTAR_RETURN_IF_ERROR(
        Invoke("ExecuteStatement", [&] { client_->ExecuteStatement(response, request); }));
    return Started(response, "the statement");
  }

  Result<wire::TGetResultSetMetadataResp> Metadata(Operation& operation) {
    if (operation.metadata) return *operation.metadata;
    wire::TGetResultSetMetadataReq request;
    request.operationHandle = operation.handle;
    wire::TGetResultSetMetadataResp response;
    MORTAR_RETURN_IF_ERROR(
        Invoke("GetResultSetMetadata", [&] { client_->GetResultSetMetadata(response, request); }));
    MORTAR_RETURN_IF_ERROR(Check(response.status, "reading the result's schema"));
    operation.metadata = response;
    return response;
  }

  Result<wire::TFetchResultsResp> Fetch(Operation& operation, std::optional<int64_t> start_row) {
    wire::TFetchResultsReq request;
    request.operationHandle = operation.handle;
    request.orientation = 0;  // FETCH_NEXT
    request.maxRows = options_.page_rows;
    if (start_row) request.__set_startRowOffset(*start_row);
    wire::TFetchResultsResp response;
    MORTAR_RETURN_IF_ERROR(
        Invoke("FetchResults", [&] { client_->FetchResults(response, request); }));
    MORTAR_RETURN_IF_ERROR(Check(response.status, "fetching results"));
    return response;
  }

  // Downloads of one result's CloudFetch files, several at a time.
  std::unique_ptr<CloudFetchDownloads> MakeDownloads(bool lz4) {
    CloudFetchOptions options;
    options.connection_name = options_.connection_name;
    options.parallelism = options_.cloudfetch_downloads;
    options.lz4 = lz4;
    // GETs of presigned links are safe to repeat: throttling, server errors, lost
    // connections, within a couple of minutes.
    options.retry = options_.retry;
    options.retry.retry_statuses = {429, 500, 502, 503, 504};
    options.retry.retry_connection_errors = true;
    options.retry.budget =
        std::min<std::chrono::milliseconds>(options.retry.budget, std::chrono::minutes(2));
    auto factory = options_.download_transport;
    if (!factory) {
      factory = [] {
        return Result<std::unique_ptr<http::Transport>>(
            Status::Internal("no transport for CloudFetch downloads"));
      };
    }
    return std::make_unique<CloudFetchDownloads>(std::move(options), std::move(factory), clock());
  }

  http::Clock& clock() const { return options_.clock ? *options_.clock : http::SystemClock(); }

  // Runs a metadata call (GetCatalogs, GetTables...) and streams its rows.
  template <typename Request, typename Response, typename Method>
  Result<std::unique_ptr<BatchReader>> Metadata(const std::string& what, Request& request,
                                                Response& response, Method method);

  const SessionOptions& options() const { return options_; }
  const ServerInfo& server() const { return server_; }

 private:
  SessionOptions options_;
  std::unique_ptr<http::Transport> http_;
  std::unique_ptr<auth::TokenSource> tokens_;
  std::shared_ptr<ThriftHttpTransport> transport_;
  std::unique_ptr<wire::TCLIServiceClient> client_;
  wire::TSessionHandle session_;
  bool open_ = false;
  ServerInfo server_;
};

namespace {

// Streams an operation's rows page by page; closes the operation when done or destroyed.
class ResultReader final : public BatchReader {
 public:
  using Operation = Session::Impl::Operation;

  ResultReader(Session::Impl& session, Operation operation, std::string source)
      : session_(session), operation_(std::move(operation)), source_(std::move(source)) {}
  ~ResultReader() override {
    downloads_.reset();  // joins the download threads before the operation closes
    session_.CloseOperation(operation_);
  }

  // `declared`: exact types known from elsewhere (DESCRIBE QUERY), same columns.
  Status Init(const std::optional<Schema>& declared = std::nullopt) {
    MORTAR_ASSIGN_OR_RETURN(wire::TGetResultSetMetadataResp metadata,
                            session_.Metadata(operation_));
    lz4_ = metadata.lz4Compressed;
    arrow_schema_bytes_ = metadata.arrowSchema;
    format_ = metadata.__isset.resultFormat ? metadata.resultFormat : 1;
    MORTAR_ASSIGN_OR_RETURN(schema_, SchemaOf(metadata.schema));
    if (!arrow_schema_bytes_.empty()) {
      // The Arrow schema knows nested types and timestamp kinds the Thrift one does not.
      auto reader_schema = ArrowSchema();
      if (reader_schema.ok()) schema_ = *reader_schema;
    }
    if (declared && declared->size() == schema_.size() && arrow_schema_bytes_.empty()) {
      schema_ = *declared;
    }
    arrow_schema_ = schema_.ToArrow();
    return Status::OK();
  }

  const Schema& schema() const override { return schema_; }

  Result<Batch> Next() override {
    while (pending_.empty()) {
      if (done_) {
        session_.CloseOperation(operation_);
        return Batch();
      }
      MORTAR_RETURN_IF_ERROR(FetchPage());
    }
    Batch batch = std::move(pending_.front());
    pending_.pop_front();
    return batch;
  }

 private:
  Result<Schema> ArrowSchema() const {
    auto input =
        std::make_shared<arrow::io::BufferReader>(arrow::Buffer::FromString(arrow_schema_bytes_));
    auto reader = arrow::ipc::RecordBatchStreamReader::Open(input);
    if (!reader.ok()) return Status::Remote("cannot read the Arrow schema");
    return Schema::FromArrow(*(*reader)->schema());
  }

  Status FetchPage() {
    if (file_) return NextFromFile();
    if (downloads_ && downloads_->Waiting() > 0) return NextFile();
    wire::TFetchResultsResp page;
    if (operation_.first_page) {
      page = std::move(*operation_.first_page);
      operation_.first_page.reset();
    } else if (operation_.closed || (downloads_ && !more_pages_)) {
      done_ = true;
      return Status::OK();
    } else {
      MORTAR_ASSIGN_OR_RETURN(page, session_.Fetch(operation_, std::nullopt));
    }
    const wire::TRowSet& rows = page.results;
    int64_t count = 0;
    if (!rows.resultLinks.empty() || format_ == kUrlBasedSet) {
      more_pages_ = page.hasMoreRows;
      MORTAR_RETURN_IF_ERROR(CountEmptyPage(rows.resultLinks.empty() && more_pages_));
      AddLinks(rows.resultLinks);
      if (downloads_->Waiting() == 0 && !more_pages_) done_ = true;
      return Status::OK();
    }
    if (!rows.arrowBatches.empty()) {
      std::vector<std::string> bytes;
      for (const auto& batch : rows.arrowBatches) bytes.push_back(batch.batch);
      MORTAR_ASSIGN_OR_RETURN(auto batches, DecodeArrowBatches(arrow_schema_bytes_, bytes, lz4_));
      for (auto& batch : batches) MORTAR_RETURN_IF_ERROR(Add(std::move(batch), &count));
    } else {
      count = ColumnRowCount(rows);
      if (count > 0) {
        MORTAR_ASSIGN_OR_RETURN(Batch batch, DecodeColumns(rows, schema_, rows_ + 1, source_));
        pending_.push_back(std::move(batch));
      }
    }
    rows_ += count;
    MORTAR_RETURN_IF_ERROR(CountEmptyPage(count == 0 && page.hasMoreRows));
    // Databricks' hasMoreRows is reliable; the open-source server always says false,
    // so there an empty page is the end.
    if (session_.server().databricks ? !page.hasMoreRows : count == 0) done_ = true;
    return Status::OK();
  }

  // CloudFetch: queues a page's links; downloads start at once.
  void AddLinks(const std::vector<wire::TSparkArrowResultLink>& links) {
    if (!downloads_) downloads_ = session_.MakeDownloads(lz4_);
    std::vector<ResultLink> queued;
    for (const auto& link : links) {
      ResultLink result;
      result.url = link.fileLink;
      for (const auto& [name, value] : link.httpHeaders) result.headers.push_back({name, value});
      result.start_row = link.startRowOffset;
      result.row_count = link.rowCount;
      result.bytes = link.bytesNum;
      // expiryTime is in milliseconds (as recorded from real workspaces).
      if (link.__isset.expiryTime && link.expiryTime > 0) result.expires_ms = link.expiryTime;
      queued.push_back(std::move(result));
    }
    downloads_->Add(std::move(queued));
  }

  // Hands over the next downloaded file, asking for the next page of links while the
  // files in hand download, and listing links again from a file whose link expired.
  Status NextFile() {
    while (more_pages_ && downloads_->Waiting() <=
                              static_cast<std::size_t>(session_.options().cloudfetch_downloads)) {
      MORTAR_ASSIGN_OR_RETURN(auto page, session_.Fetch(operation_, std::nullopt));
      more_pages_ = page.hasMoreRows;
      AddLinks(page.results.resultLinks);
      MORTAR_RETURN_IF_ERROR(CountEmptyPage(page.results.resultLinks.empty() && more_pages_));
    }
    MORTAR_ASSIGN_OR_RETURN(DownloadedFile file, downloads_->Next());
    if (file.expired) return Renew(file.link.start_row);
    MORTAR_RETURN_IF_ERROR(CheckFileFollows(file.link, rows_, session_.options().connection_name));
    renewals_ = 0;
    file_ = std::move(file.batches);
    return Status::OK();
  }

  // The file in hand's next batch: read one at a time, so only the batches the caller
  // holds are ever decoded, not the file.
  Status NextFromFile() {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, file_->Next());
    if (!batch) {
      file_.reset();
      if (downloads_->Waiting() == 0 && !more_pages_) done_ = true;
      return Status::OK();
    }
    int64_t count = 0;
    MORTAR_RETURN_IF_ERROR(Add(std::move(batch), &count));
    rows_ += count;
    return Status::OK();
  }

  // A link expired before its file could be downloaded: FetchResults again from the
  // file's first row gives fresh links to the same files (and those after them).
  Status Renew(int64_t start_row) {
    if (++renewals_ > 5) {
      return Status::Remote(Prefix() +
                            "result links keep expiring before their files can be "
                            "downloaded; check this machine's clock");
    }
    downloads_->Clear();
    MORTAR_ASSIGN_OR_RETURN(auto page, session_.Fetch(operation_, start_row));
    const auto& links = page.results.resultLinks;
    if (links.empty() || links.front().startRowOffset > start_row) {
      return Status::Remote(Prefix() + "the server listed no result link for row " +
                            std::to_string(start_row) + " when asked again after its link expired");
    }
    more_pages_ = page.hasMoreRows;
    AddLinks(links);
    return Status::OK();
  }

  std::string Prefix() const { return "connection '" + session_.options().connection_name + "': "; }

  // A page that says more rows follow but holds none: a server answering so for ever
  // would keep the read asking; a hundred in a row end it.
  Status CountEmptyPage(bool empty) {
    empty_pages_ = empty ? empty_pages_ + 1 : 0;
    if (empty_pages_ > 100) {
      return Status::Remote(Prefix() + "the server keeps answering pages without rows or links");
    }
    return Status::OK();
  }

  // Conforms a decoded Arrow batch to the reader's schema (time zone names and the like).
  Status Add(Batch batch, int64_t* count) {
    *count += batch->num_rows();
    if (batch->num_rows() == 0) return Status::OK();
    MORTAR_ASSIGN_OR_RETURN(batch, ConformBatch(std::move(batch), arrow_schema_, source_));
    pending_.push_back(std::move(batch));
    return Status::OK();
  }

  Session::Impl& session_;
  Operation operation_;
  std::string source_;
  Schema schema_;
  std::shared_ptr<arrow::Schema> arrow_schema_;
  std::string arrow_schema_bytes_;
  bool lz4_ = false;
  int format_ = 1;
  std::deque<Batch> pending_;
  std::unique_ptr<FileBatches> file_;  // the CloudFetch file being read
  int64_t rows_ = 0;
  bool done_ = false;
  std::unique_ptr<CloudFetchDownloads> downloads_;
  bool more_pages_ = false;  // CloudFetch: the server has more pages of links
  int renewals_ = 0;         // expired links renewed in a row
  int empty_pages_ = 0;
};

}  // namespace

template <typename Request, typename Response, typename Method>
Result<std::unique_ptr<BatchReader>> Session::Impl::Metadata(const std::string& what,
                                                             Request& request, Response& response,
                                                             Method method) {
  request.sessionHandle = session_;
  if (server_.databricks) {
    wire::TSparkGetDirectResults direct;
    DirectResultsWanted(&direct);
    request.__set_getDirectResults(direct);
  }
  MORTAR_RETURN_IF_ERROR(Invoke(what, [&] { ((*client_).*method)(response, request); }));
  MORTAR_ASSIGN_OR_RETURN(Operation operation, Started(response, what));
  auto reader = std::make_unique<ResultReader>(*this, std::move(operation), what);
  MORTAR_RETURN_IF_ERROR(reader->Init());
  return std::unique_ptr<BatchReader>(std::move(reader));
}

Session::Session(SessionOptions options, std::unique_ptr<Impl> impl, ServerInfo server)
    : options_(std::move(options)), impl_(std::move(impl)), server_(server) {}

Session::~Session() {
  if (impl_) impl_->CloseSession();
}

Result<std::unique_ptr<Session>> Session::Open(const SessionOptions& options,
                                               std::unique_ptr<http::Transport> http,
                                               std::unique_ptr<auth::TokenSource> tokens) {
  auto impl = std::make_unique<Impl>(options, std::move(http), std::move(tokens));
  MORTAR_ASSIGN_OR_RETURN(ServerInfo server, impl->OpenSession());
  std::unique_ptr<Session> session(new Session(options, std::move(impl), server));
  if (!server.databricks) {
    // The open-source server ignores OpenSession's time zone and initial namespace.
    MORTAR_RETURN_IF_ERROR(session->Execute("SET TIME ZONE 'UTC'"));
    if (!options.schema.empty()) {
      MORTAR_RETURN_IF_ERROR(
          session->Execute("USE " + sql::DatabricksDialect().QuoteIdentifier(options.schema)));
    }
  }
  return session;
}

Result<std::unique_ptr<BatchReader>> Session::Query(const std::string& sql,
                                                    const std::optional<Schema>& declared) {
  MORTAR_ASSIGN_OR_RETURN(auto operation, impl_->ExecuteStatement(sql));
  auto reader = std::make_unique<ResultReader>(*impl_, std::move(operation), "query");
  MORTAR_RETURN_IF_ERROR(reader->Init(declared));
  return std::unique_ptr<BatchReader>(std::move(reader));
}

Status Session::Execute(const std::string& sql) {
  MORTAR_ASSIGN_OR_RETURN(auto operation, impl_->ExecuteStatement(sql));
  impl_->CloseOperation(operation);
  return Status::OK();
}

TestReport Session::Describe() const {
  TestReport report = {
      {"server", server_.databricks ? "Databricks SQL" : "Spark Thrift server (open source)"},
      {"protocol", server_.ProtocolName()},
      {"driver", "built-in (Mortar's Thrift driver)"}};
  if (server_.databricks) {
    std::string results = server_.ArrowResults() ? "Arrow" : "column-based";
    if (server_.Lz4Results()) results += ", LZ4 compressed";
    if (server_.CloudFetch()) {
      results += "; CloudFetch for large results (" +
                 std::to_string(options_.cloudfetch_downloads) + " downloads at a time)";
    }
    report.push_back({"results", results});
  } else {
    report.push_back({"results", "column-based (the open-source server sends no Arrow)"});
  }
  return report;
}

Result<std::unique_ptr<BatchReader>> Session::Catalogs() {
  wire::TGetCatalogsReq request;
  wire::TGetCatalogsResp response;
  return impl_->Metadata("listing catalogs", request, response,
                         &wire::TCLIServiceClient::GetCatalogs);
}

Result<std::unique_ptr<BatchReader>> Session::Schemas(const std::string& catalog) {
  wire::TGetSchemasReq request;
  if (!catalog.empty()) request.__set_catalogName(catalog);
  wire::TGetSchemasResp response;
  return impl_->Metadata("listing schemas", request, response,
                         &wire::TCLIServiceClient::GetSchemas);
}

Result<std::unique_ptr<BatchReader>> Session::Tables(const std::string& catalog,
                                                     const std::string& schema) {
  wire::TGetTablesReq request;
  if (!catalog.empty()) request.__set_catalogName(catalog);
  request.__set_schemaName(schema.empty() ? "%" : schema);
  request.__set_tableName("%");
  wire::TGetTablesResp response;
  return impl_->Metadata("listing tables", request, response, &wire::TCLIServiceClient::GetTables);
}

Result<std::unique_ptr<BatchReader>> Session::Columns(const std::string& catalog,
                                                      const std::string& schema,
                                                      const std::string& table) {
  wire::TGetColumnsReq request;
  if (!catalog.empty()) request.__set_catalogName(catalog);
  if (!schema.empty()) request.__set_schemaName(schema);
  request.__set_tableName(table);
  request.__set_columnName("%");
  wire::TGetColumnsResp response;
  return impl_->Metadata("listing columns", request, response,
                         &wire::TCLIServiceClient::GetColumns);
}

}  // namespace mortar::databricks
