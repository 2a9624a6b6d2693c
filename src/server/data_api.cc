#include "server/data_api.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/io/file.h>
#include <arrow/io/interfaces.h>
#include <arrow/ipc/api.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "mortar/auth/oauth_client.h"
#include "mortar/core/arrow_input.h"
#include "mortar/core/parse_integer.h"
#include "mortar/flow/context.h"
#include "mortar/security/accounts.h"
#include "server/error_reply.h"

namespace mortar::server {

namespace {

using Json = nlohmann::json;

constexpr const char* kArrowStream = "application/vnd.apache.arrow.stream";
constexpr const char* kProject = R"(/api/projects/([A-Za-z0-9_-]+))";

// The kind of an error, for the Python package's exception classes.
Status Kind(Status status, const std::string& kind) {
  return status.WithDetail(ReplyKindDetail(kind));
}

// Runs a handler's body; its error, if any, becomes the reply.
void Answer(httplib::Response& response, const std::function<Status()>& body) {
  Status status;
  try {
    status = body();
  } catch (const Json::exception& error) {
    status =
        Status::Invalid(std::string("a field of the request has the wrong type: ") + error.what());
  }
  if (!status.ok()) ReplyError(response, status);
}

// Arrow's IPC writer writes many small pieces; they are gathered here and sent as one
// HTTP chunk per record batch.
class ChunkBuffer final : public arrow::io::OutputStream {
 public:
  arrow::Status Write(const void* data, int64_t size) override {
    buffer_.append(static_cast<const char*>(data), static_cast<std::size_t>(size));
    position_ += size;
    return arrow::Status::OK();
  }
  arrow::Status Close() override {
    closed_ = true;
    return arrow::Status::OK();
  }
  arrow::Result<int64_t> Tell() const override { return position_; }
  bool closed() const override { return closed_; }

  bool SendTo(httplib::DataSink& sink) {
    bool sent = buffer_.empty() || sink.write(buffer_.data(), buffer_.size());
    buffer_.clear();
    return sent;
  }

 private:
  std::string buffer_;
  int64_t position_ = 0;
  bool closed_ = false;
};

// A BatchReader served as an Arrow IPC stream, one batch per chunk: memory stays at
// about one batch whatever the size of the table.
struct OutgoingStream {
  std::unique_ptr<Context> context;  // owns the connection the reader reads from
  std::unique_ptr<BatchReader> reader;
  std::vector<int> columns;  // empty: all
  std::shared_ptr<arrow::Schema> schema;
  std::shared_ptr<ChunkBuffer> buffer = std::make_shared<ChunkBuffer>();
  std::shared_ptr<arrow::ipc::RecordBatchWriter> writer;

  Result<std::shared_ptr<arrow::RecordBatch>> Conform(
      const std::shared_ptr<arrow::RecordBatch>& batch) {
    std::shared_ptr<arrow::RecordBatch> selected = batch;
    if (!columns.empty()) {
      auto picked = batch->SelectColumns(columns);
      if (!picked.ok()) return FromArrowStatus(picked.status());
      selected = *picked;
    }
    if (selected->schema()->Equals(*schema, false)) return selected;
    return arrow::RecordBatch::Make(schema, selected->num_rows(), selected->columns());
  }

  // One step of the chunked response: false ends the response without its last chunk,
  // which the client sees as a broken transfer rather than a short table.
  bool Next(httplib::DataSink& sink) {
    if (!writer) {
      auto made = arrow::ipc::MakeStreamWriter(buffer, schema);
      if (!made.ok()) return false;
      writer = *made;
      return buffer->SendTo(sink);
    }
    auto batch = reader->Next();
    if (!batch.ok()) return false;
    if (!*batch) {
      if (!writer->Close().ok() || !buffer->SendTo(sink)) return false;
      sink.done();
      return true;
    }
    auto conformed = Conform(*batch);
    if (!conformed.ok() || !writer->WriteRecordBatch(**conformed).ok()) return false;
    return buffer->SendTo(sink);
  }
};

void Stream(httplib::Response& response, std::shared_ptr<OutgoingStream> stream) {
  response.set_header("Cache-Control", "no-store");
  response.set_chunked_content_provider(
      kArrowStream, [stream](std::size_t, httplib::DataSink& sink) { return stream->Next(sink); },
      [stream](bool) { stream->reader.reset(); });
}

int64_t IntegerParam(const httplib::Request& request, const std::string& name, int64_t fallback) {
  if (!request.has_param(name.c_str())) return fallback;
  return ParseInteger(request.get_param_value(name.c_str())).value_or(fallback);
}

std::vector<std::string> SplitNames(const std::string& text) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) names.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return names;
}

std::optional<int> FieldIndex(const arrow::Schema& schema, const std::string& name) {
  int exact = schema.GetFieldIndex(name);
  if (exact >= 0) return exact;
  auto lower = [](std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
  };
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (lower(schema.field(i)->name()) == lower(name)) return i;
  }
  return std::nullopt;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

}  // namespace

// An incoming Arrow IPC stream written into a dataset: the writer opens when the
// stream's schema arrives, each batch is converted to the dataset's types and written,
// and only a stream that reached its end-of-stream marker may be committed.
// A recipe's write (spool_dir set) goes first to a spool file beside the project's
// state and into the dataset only at the recipe's end: no dataset writer (and no
// database lock) is held while the script runs, memory stays at one batch.
struct DataApi::PendingWrite final : ArrowInputListener {
  std::unique_ptr<Context> context;
  Dataset* dataset = nullptr;
  WriteMode mode = WriteMode::kReplace;
  bool with_schema = false;
  std::optional<Schema> declared;
  std::unique_ptr<BatchWriter> writer;
  std::filesystem::path spool_dir;  // empty: write straight into the dataset
  std::filesystem::path spool_path;
  std::shared_ptr<arrow::ipc::RecordBatchWriter> spool;
  Schema schema;
  std::shared_ptr<arrow::Schema> arrow_schema;
  std::vector<int> sources;  // incoming column of each output column
  bool record_schema = false;
  BatchWriter::LogLine log;
  int64_t rows = 0;

  ~PendingWrite() override { Abort(); }

  bool Opened() const { return writer || spool; }

  void Abort() {
    if (writer) writer->Abort();
    writer.reset();
    if (spool) (void)spool->Close();
    spool.reset();
    if (!spool_path.empty()) {
      std::error_code ignored;
      std::filesystem::remove(spool_path, ignored);
      spool_path.clear();
    }
  }

  Status OpenSpool() {
    std::error_code error;
    std::filesystem::create_directories(spool_dir, error);
    spool_path = spool_dir / ("spool-" + auth::RandomUrlSafe() + ".arrows");
    auto file = arrow::io::FileOutputStream::Open(spool_path.string());
    if (!file.ok()) return FromArrowStatus(file.status()).WithContext("spooling a recipe's write");
    auto made = arrow::ipc::MakeStreamWriter(*file, arrow_schema);
    if (!made.ok()) return FromArrowStatus(made.status());
    spool = *made;
    return Status::OK();
  }

  Status OpenWriter() {
    MORTAR_ASSIGN_OR_RETURN(writer, dataset->OpenWriter(schema, mode));
    if (log) writer->set_log(log);
    return Status::OK();
  }

  Status OnSchema(std::shared_ptr<arrow::Schema> incoming) override {
    if (Opened()) {
      // A second write of the same output in one recipe run, appending.
      return Match(*incoming);
    }
    if (with_schema || !declared) {
      auto converted = Schema::FromArrow(*incoming);
      if (!converted.ok()) {
        return Kind(Status::Invalid("cannot write into dataset '" + dataset->name() +
                                    "': " + converted.status().message()),
                    "type_conversion");
      }
      schema = *converted;
      record_schema = true;
    } else {
      schema = *declared;
    }
    arrow_schema = schema.ToArrow();
    MORTAR_RETURN_IF_ERROR(Match(*incoming));
    return spool_dir.empty() ? OpenWriter() : OpenSpool();
  }

  Status Match(const arrow::Schema& incoming) {
    sources.clear();
    std::vector<std::string> missing;
    for (const auto& column : schema.columns()) {
      auto index = FieldIndex(incoming, column.name);
      if (!index) {
        missing.push_back(column.name);
      } else {
        sources.push_back(*index);
      }
    }
    std::vector<std::string> extra;
    for (const auto& field : incoming.fields()) {
      if (!schema.IndexOf(field->name())) extra.push_back(field->name());
    }
    if (missing.empty() && extra.empty()) return Status::OK();
    std::string message = "the data does not match the schema of dataset '" + dataset->name() + "'";
    if (!missing.empty()) message += "; missing columns: " + JoinNames(missing);
    if (!extra.empty()) message += "; unknown columns: " + JoinNames(extra);
    return Kind(Status::Invalid(message + ". Write with write_with_schema() to replace the schema"),
                "schema_mismatch");
  }

  Status OnBatch(std::shared_ptr<arrow::RecordBatch> batch) override {
    arrow::ArrayVector columns;
    for (std::size_t i = 0; i < sources.size(); ++i) {
      const auto& target = arrow_schema->field(static_cast<int>(i))->type();
      auto column = batch->column(sources[i]);
      if (!column->type()->Equals(*target)) {
        auto cast = arrow::compute::Cast(*column, target, arrow::compute::CastOptions::Safe());
        if (!cast.ok()) {
          const Column& wanted = schema[i];
          auto given = Type::FromArrow(*column->type());
          std::string given_name = given.ok() ? given->ToString() : column->type()->ToString();
          return Kind(Status::Invalid("cannot convert column '" + wanted.name + "' of dataset '" +
                                      dataset->name() + "' from " + given_name + " to " +
                                      wanted.type.ToString() + ": " + cast.status().message()),
                      "type_conversion");
        }
        column = *cast;
      }
      columns.push_back(std::move(column));
    }
    auto conformed = arrow::RecordBatch::Make(arrow_schema, batch->num_rows(), std::move(columns));
    MORTAR_RETURN_IF_ERROR(spool ? FromArrowStatus(spool->WriteRecordBatch(*conformed))
                                 : writer->Write(*conformed));
    rows += batch->num_rows();
    return Status::OK();
  }

  // Moves a spooled write into the dataset, batch by batch.
  Status Unspool() {
    MORTAR_RETURN_IF_ERROR(FromArrowStatus(spool->Close()));
    spool.reset();
    MORTAR_RETURN_IF_ERROR(OpenWriter());
    auto file = arrow::io::ReadableFile::Open(spool_path.string());
    if (!file.ok()) return FromArrowStatus(file.status());
    auto reader = arrow::ipc::RecordBatchStreamReader::Open(*file);
    if (!reader.ok()) return FromArrowStatus(reader.status());
    while (true) {
      std::shared_ptr<arrow::RecordBatch> batch;
      MORTAR_RETURN_IF_ERROR(FromArrowStatus((*reader)->ReadNext(&batch)));
      if (!batch) break;
      MORTAR_RETURN_IF_ERROR(writer->Write(*batch));
    }
    return Status::OK();
  }

  Status Commit() {
    if (spool) MORTAR_RETURN_IF_ERROR(Unspool());
    MORTAR_RETURN_IF_ERROR(writer->Commit());
    writer.reset();
    Abort();  // removes the spool file
    if (!record_schema) return Status::OK();
    MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
    MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig config, project->LoadDataset(dataset->name()));
    config.schema = schema;
    return project->SaveDataset(config);
  }
};

struct DataApi::Grant {
  std::string ticket;  // empty for API keys
  TicketScope scope;
};

// A request on one dataset: who asks, their context, the dataset.
struct DataApi::DatasetRequest {
  Grant grant;
  std::unique_ptr<Context> context;
  Dataset* dataset = nullptr;
  std::string name;
};

DataApi::DataApi(config::Home home, std::shared_ptr<const Registry> registry,
                 std::shared_ptr<auth::TokenSourceCache> tokens, TicketStore& tickets,
                 LogLine writer_log)
    : home_(std::move(home)),
      registry_(std::move(registry)),
      tokens_(std::move(tokens)),
      tickets_(tickets),
      writer_log_(std::move(writer_log)) {
  (void)InitializeCompute();
}

DataApi::~DataApi() = default;

void DataApi::Register(httplib::Server& http) {
  std::string project = kProject;
  std::string dataset = project + R"(/datasets/([A-Za-z0-9_-]+))";
  std::string connection = project + R"(/connections/([A-Za-z0-9_-]+))";
  http.Get(dataset + "/schema",
           [this](const auto& request, auto& response) { DatasetSchema(request, response); });
  http.Put(dataset + "/schema",
           [this](const auto& request, auto& response) { RecordSchema(request, response); });
  http.Get(dataset + "/data",
           [this](const auto& request, auto& response) { ReadRows(request, response); });
  http.Post(dataset + "/data", [this](const httplib::Request& request, httplib::Response& response,
                                      const httplib::ContentReader& content) {
    WriteRows(request, response, content);
  });
  http.Post(connection + "/query",
            [this](const auto& request, auto& response) { Query(request, response); });
  http.Get(connection + "/client-credentials",
           [this](const auto& request, auto& response) { ClientCredentials(request, response); });
  http.Post("/api/tickets",
            [this](const auto& request, auto& response) { MintTicket(request, response); });
}

bool DataApi::StreamsBody(const std::string& path) {
  static const std::regex kData(std::string(kProject) + R"(/datasets/([A-Za-z0-9_-]+)/data)");
  return std::regex_match(path, kData);
}

Result<DataApi::Grant> DataApi::Authorize(const httplib::Request& request,
                                          const std::string& project, security::ProjectRole role) {
  std::string authorization = request.get_header_value("Authorization");
  if (authorization.rfind("Bearer ", 0) != 0) {
    return Kind(Status::Unauthenticated("send a ticket (MORTAR_TICKET) or an API key "
                                        "(MORTAR_API_KEY) as 'Authorization: Bearer ...'"),
                "ticket");
  }
  std::string secret = authorization.substr(7);
  Grant grant;
  if (secret.rfind("mk_", 0) == 0) {
    auto key = security::FindApiKey(home_, secret);
    if (!key.ok()) {
      return Kind(Status::Unauthenticated("the API key is unknown or revoked: create one with "
                                          "'mortar api-key create' or on the web page"),
                  "ticket");
    }
    grant.scope = TicketScope{
        .user = key->user, .project = project, .any_dataset = true, .api_key_id = key->id};
  } else {
    auto scope = tickets_.Find(secret);
    if (!scope) {
      return Kind(Status::Unauthenticated("the ticket is unknown or has expired: a recipe's "
                                          "ticket lives only while the recipe runs; outside "
                                          "recipes use an API key"),
                  "ticket");
    }
    grant.ticket = secret;
    grant.scope = std::move(*scope);
    if (!grant.scope.api_key_id.empty()) {
      Status live = security::CheckApiKeyLive(home_, grant.scope.api_key_id, grant.scope.user);
      if (!live.ok()) {
        tickets_.Revoke(secret);
        return Kind(live, "ticket");
      }
    }
  }
  if (!grant.scope.project.empty() && grant.scope.project != project) {
    return Kind(Status::PermissionDenied("this ticket is for project '" + grant.scope.project +
                                         "', not '" + project + "'"),
                "not_declared");
  }
  // Checked on every request, tickets included: a role taken away ends what it allowed.
  Status allowed = security::RequireProjectRole(home_, grant.scope.user, project, role);
  if (!allowed.ok()) return Kind(allowed, "forbidden");
  return grant;
}

namespace {

Result<std::unique_ptr<Context>> ContextFor(const config::Home& home,
                                            std::shared_ptr<const Registry> registry,
                                            const std::string& user, const std::string& project,
                                            std::shared_ptr<auth::TokenSourceCache> tokens) {
  MORTAR_RETURN_IF_ERROR(home.FindUser(user).status());
  auto context = std::make_unique<Context>(home, std::move(registry), user, std::move(tokens));
  MORTAR_RETURN_IF_ERROR(context->SelectProject(project));
  return context;
}

Status NotDeclared(const std::string& what, const std::string& name, const std::string& use) {
  return Kind(Status::PermissionDenied(what + " '" + name + "' is not " + use +
                                       " of this recipe: declare it in the recipe's " +
                                       (use == "an output" ? "outputs" : "inputs") + " to use it"),
              "not_declared");
}

Result<Dataset*> FindDataset(Context& context, const std::string& name) {
  auto dataset = context.GetDataset(name);
  if (!dataset.ok() && dataset.status().code() == ErrorCode::kNotFound)
    return Kind(dataset.status(), "unknown_dataset");
  return dataset;
}

Json TableJson(const Dataset& dataset) {
  auto table = dataset.SqlTable();
  if (!table) return Json();
  return Json{{"catalog", table->catalog}, {"schema", table->schema}, {"table", table->table}};
}

}  // namespace

Result<DataApi::DatasetRequest> DataApi::OpenDataset(const httplib::Request& request,
                                                     bool for_writing) {
  DatasetRequest opened;
  MORTAR_ASSIGN_OR_RETURN(opened.grant, Authorize(request, request.matches[1],
                                                  for_writing ? security::ProjectRole::kWrite
                                                              : security::ProjectRole::kRead));
  opened.name = request.matches[2];
  MORTAR_ASSIGN_OR_RETURN(opened.context, ContextFor(home_, registry_, opened.grant.scope.user,
                                                     request.matches[1], tokens_));
  MORTAR_ASSIGN_OR_RETURN(opened.dataset, FindDataset(*opened.context, opened.name));
  if (for_writing && !opened.grant.scope.MayWrite(opened.name))
    return NotDeclared("dataset", opened.name, "an output");
  if (!for_writing && !opened.grant.scope.MayRead(opened.name))
    return NotDeclared("dataset", opened.name, "an input");
  return opened;
}

void DataApi::DatasetSchema(const httplib::Request& request, httplib::Response& response) {
  Answer(response, [&]() -> Status {
    MORTAR_ASSIGN_OR_RETURN(DatasetRequest opened, OpenDataset(request, false));
    Dataset* dataset = opened.dataset;
    Json body = {{"dataset", opened.name},
                 {"connection", dataset->connection().name()},
                 {"connection_type", dataset->connection().type()},
                 {"table", TableJson(*dataset)},
                 {"columns", nullptr}};
    auto schema = dataset->schema();
    if (schema.ok()) body["columns"] = config::SchemaToJson(*schema);
    ReplyJson(response, body);
    return Status::OK();
  });
}

void DataApi::RecordSchema(const httplib::Request& request, httplib::Response& response) {
  Answer(response, [&]() -> Status {
    MORTAR_ASSIGN_OR_RETURN(DatasetRequest opened, OpenDataset(request, true));
    Context* context = opened.context.get();
    Json body = Json::parse(request.body, nullptr, false);
    if (!body.is_object())
      return Status::Invalid("expected {\"columns\": [...]} or {\"detect\": true}");
    config::DatasetConfig config = opened.dataset->config();
    if (body.contains("columns")) {
      config::ConfigObject object(body, "the request", "");
      MORTAR_ASSIGN_OR_RETURN(config.schema, config::SchemaFromJson(object, "columns"));
    } else {
      // Detected from the data as it is now (a table Spark just wrote).
      config::DatasetConfig bare = config;
      bare.schema.reset();
      MORTAR_ASSIGN_OR_RETURN(auto fresh, context->MakeDataset(bare));
      MORTAR_ASSIGN_OR_RETURN(config.schema, fresh->DetectSchema());
    }
    MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
    MORTAR_RETURN_IF_ERROR(project->SaveDataset(config));
    ReplyJson(response,
              Json{{"dataset", opened.name}, {"columns", config::SchemaToJson(*config.schema)}});
    return Status::OK();
  });
}

void DataApi::ReadRows(const httplib::Request& request, httplib::Response& response) {
  Answer(response, [&]() -> Status {
    MORTAR_ASSIGN_OR_RETURN(DatasetRequest opened, OpenDataset(request, false));
    const std::string& name = opened.name;
    auto stream = std::make_shared<OutgoingStream>();
    stream->context = std::move(opened.context);
    Dataset* dataset = opened.dataset;
    ReadOptions options;
    options.limit = IntegerParam(request, "limit", -1);
    MORTAR_ASSIGN_OR_RETURN(stream->reader, dataset->Read(options));
    auto full = stream->reader->schema().ToArrow();
    std::vector<std::shared_ptr<arrow::Field>> fields;
    for (const auto& column : SplitNames(request.get_param_value("columns"))) {
      auto index = FieldIndex(*full, column);
      if (!index) {
        return Kind(
            Status::Invalid("dataset '" + name + "' has no column '" + column +
                            "'; its columns are " + JoinNames(stream->reader->schema().Names())),
            "unknown_column");
      }
      stream->columns.push_back(*index);
      fields.push_back(full->field(*index));
    }
    stream->schema = stream->columns.empty() ? full : arrow::schema(fields);
    Stream(response, std::move(stream));
    return Status::OK();
  });
}

void DataApi::WriteRows(const httplib::Request& request, httplib::Response& response,
                        const httplib::ContentReader& content) {
  auto write = std::make_unique<PendingWrite>();
  Grant grant;
  Status status = [&]() -> Status {
    MORTAR_ASSIGN_OR_RETURN(DatasetRequest opened, OpenDataset(request, true));
    grant = std::move(opened.grant);
    write->context = std::move(opened.context);
    write->dataset = opened.dataset;
    std::string mode = request.has_param("mode") ? request.get_param_value("mode") : "replace";
    if (mode != "replace" && mode != "append")
      return Status::Invalid("mode must be replace or append, not '" + mode + "'");
    write->mode = mode == "append" ? WriteMode::kAppend : WriteMode::kReplace;
    write->with_schema = request.get_param_value("with_schema") == "true";
    write->declared = write->dataset->config().schema;
    write->log = writer_log_;
    if (grant.scope.defer_commit) {
      MORTAR_ASSIGN_OR_RETURN(const config::Project* project, write->context->project());
      write->spool_dir = project->StateDir();
    }
    return Status::OK();
  }();
  std::unique_ptr<PendingWrite> earlier;
  if (status.ok() && grant.scope.defer_commit) {
    // The same output written twice in one run: append continues the held write,
    // replace starts over.
    std::lock_guard<std::mutex> lock(pending_mutex_);
    auto& held = pending_[grant.ticket];
    auto it = held.find(write->dataset->name());
    if (it != held.end()) {
      earlier = std::move(it->second);
      held.erase(it);
    }
  }
  PendingWrite* target = write.get();
  if (earlier && write->mode == WriteMode::kAppend) {
    target = earlier.get();
  } else if (earlier) {
    earlier.reset();  // aborts it
  }
  // Read the whole body even after an error, so that the client gets the answer
  // instead of a broken pipe.
  ArrowStreamInput input(*target, "the request body");
  content([&](const char* data, std::size_t size) {
    if (status.ok()) {
      if (Status consumed = input.Consume(data, size); !consumed.ok())
        status = input.listener_refused() ? consumed : Kind(consumed, "stream");
    }
    return true;
  });
  if (status.ok() && !input.ended()) {
    status = Kind(Status::Invalid("the Arrow stream ended before its end-of-stream marker: "
                                  "the writer did not finish, so nothing was written and the "
                                  "previous data is unchanged"),
                  "stream");
  }
  if (status.ok() && !target->Opened()) status = Status::Invalid("the Arrow stream held no schema");
  if (!status.ok()) {
    target->Abort();
    return ReplyError(response, status);
  }
  Json body = {{"dataset", target->dataset->name()},
               {"rows", target->rows},
               {"columns", config::SchemaToJson(target->schema)}};
  if (grant.scope.defer_commit) {
    body["committed"] = false;
    std::lock_guard<std::mutex> lock(pending_mutex_);
    std::string name = target->dataset->name();
    pending_[grant.ticket][name] = earlier ? std::move(earlier) : std::move(write);
    return ReplyJson(response, body);
  }
  if (Status committed = target->Commit(); !committed.ok()) return ReplyError(response, committed);
  body["committed"] = true;
  ReplyJson(response, body);
}

Status DataApi::CommitWrites(const std::string& ticket) {
  std::map<std::string, std::unique_ptr<PendingWrite>> held;
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    auto it = pending_.find(ticket);
    if (it == pending_.end()) return Status::OK();
    held = std::move(it->second);
    pending_.erase(it);
  }
  Status first;
  for (auto& [name, write] : held) {
    if (!first.ok()) {
      write->Abort();
      continue;
    }
    Status committed = write->Commit();
    if (!committed.ok()) first = committed.WithContext("committing dataset '" + name + "'");
  }
  return first;
}

void DataApi::AbortWrites(const std::string& ticket) {
  std::lock_guard<std::mutex> lock(pending_mutex_);
  auto it = pending_.find(ticket);
  if (it == pending_.end()) return;
  for (auto& [name, write] : it->second) write->Abort();
  pending_.erase(it);
}

void DataApi::Query(const httplib::Request& request, httplib::Response& response) {
  Answer(response, [&]() -> Status {
    MORTAR_ASSIGN_OR_RETURN(Grant grant,
                            Authorize(request, request.matches[1], security::ProjectRole::kRead));
    std::string name = request.matches[2];
    if (!grant.scope.MayUseConnection(name))
      return NotDeclared("connection", name, "the connection of an input or output");
    MORTAR_ASSIGN_OR_RETURN(config::ConnectionConfig config, home_.LoadConnection(name));
    Status free_sql = security::RequireConnectionRight(home_, grant.scope.user, config,
                                                       security::ConnectionRight::kFreeSql);
    if (!free_sql.ok()) return Kind(free_sql, "forbidden");
    Json body = Json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.value("query", Json()).is_string())
      return Status::Invalid("expected {\"query\": \"SELECT ...\"}");
    auto stream = std::make_shared<OutgoingStream>();
    MORTAR_ASSIGN_OR_RETURN(stream->context, ContextFor(home_, registry_, grant.scope.user,
                                                        request.matches[1], tokens_));
    MORTAR_ASSIGN_OR_RETURN(Connection * connection, stream->context->GetConnection(name));
    SqlConnection* sql = connection->AsSql();
    if (sql == nullptr) return Status::Invalid("connection '" + name + "' runs no SQL");
    MORTAR_ASSIGN_OR_RETURN(stream->reader, sql->Query(body["query"].get<std::string>()));
    stream->schema = stream->reader->schema().ToArrow();
    Stream(response, std::move(stream));
    return Status::OK();
  });
}

void DataApi::ClientCredentials(const httplib::Request& request, httplib::Response& response) {
  Answer(response, [&]() -> Status {
    MORTAR_ASSIGN_OR_RETURN(Grant grant,
                            Authorize(request, request.matches[1], security::ProjectRole::kRead));
    std::string name = request.matches[2];
    if (!grant.scope.MayUseConnection(name))
      return NotDeclared("connection", name, "the connection of an input or output");
    MORTAR_ASSIGN_OR_RETURN(
        auto context, ContextFor(home_, registry_, grant.scope.user, request.matches[1], tokens_));
    MORTAR_ASSIGN_OR_RETURN(Connection * connection, context->GetConnection(name));
    Status readable = security::CheckDetailsReadable(home_, connection->config(), grant.scope.user);
    if (!readable.ok()) return Kind(readable, "credentials_refused");
    MORTAR_ASSIGN_OR_RETURN(Json details, connection->ClientDetails());
    details["connection"] = name;
    ReplyJson(response, details);
    return Status::OK();
  });
}

void DataApi::MintTicket(const httplib::Request& request, httplib::Response& response) {
  Answer(response, [&]() -> Status {
    Json body = Json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.value("project", Json()).is_string())
      return Status::Invalid("expected {\"project\": \"...\"}");
    std::string project = body["project"];
    MORTAR_ASSIGN_OR_RETURN(Grant grant, Authorize(request, project, security::ProjectRole::kRead));
    if (!grant.ticket.empty())
      return Status::PermissionDenied("a ticket cannot mint tickets: use an API key");
    MORTAR_RETURN_IF_ERROR(home_.OpenProject(project).status());
    int64_t seconds = body.value("lifetime_seconds", int64_t{3600});
    if (seconds < 1 || seconds > 12 * 3600)
      return Status::Invalid("lifetime_seconds must be between 1 and 43200");
    std::string ticket = tickets_.Mint(grant.scope, std::chrono::seconds(seconds));
    ReplyJson(response, Json{{"ticket", ticket}, {"expires_in", seconds}, {"project", project}});
    return Status::OK();
  });
}

}  // namespace mortar::server
