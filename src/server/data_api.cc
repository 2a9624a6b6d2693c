#include "server/data_api.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/io/file.h>
#include <arrow/io/interfaces.h>
#include <arrow/ipc/api.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "mortar/auth/oauth_client.h"
#include "mortar/core/arrow_input.h"
#include "mortar/core/parse_integer.h"
#include "mortar/flow/context.h"
#include "mortar/flow/dataset_schema.h"
#include "mortar/security/accounts.h"
#include "server/arrow_stream_reply.h"
#include "server/column_lookup.h"
#include "server/error_reply.h"
#include "server/incoming_write.h"

namespace mortar::server {

namespace {

using Json = nlohmann::json;

constexpr const char* kProject = R"(/api/projects/([A-Za-z0-9_-]+))";
// How long the body of an upload refused before its stream began is still read.
constexpr std::chrono::seconds kRefusedBodyDrain{10};

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

}  // namespace

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

void DataApi::Register(RouteTable& http) {
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

namespace {

const std::regex& DataPath() {
  static const std::regex kData(std::string(kProject) + R"(/datasets/([A-Za-z0-9_-]+)/data)");
  return kData;
}

Result<WriteMode> UploadMode(const httplib::Request& request) {
  std::string mode = request.has_param("mode") ? request.get_param_value("mode") : "replace";
  if (mode != "replace" && mode != "append")
    return Status::Invalid("mode must be replace or append, not '" + mode + "'");
  return mode == "append" ? WriteMode::kAppend : WriteMode::kReplace;
}

}  // namespace

bool DataApi::StreamsBody(const std::string& path) {
  return std::regex_match(path, DataPath());
}

Status DataApi::AdmitUpload(const httplib::Request& request) {
  std::smatch names;
  if (!std::regex_match(request.path, names, DataPath()))
    return Status::NotFound("no upload route at " + request.path);
  MORTAR_RETURN_IF_ERROR(OpenDataset(request, names[1], names[2], true).status());
  return UploadMode(request).status();
}

Result<DataApi::Grant> DataApi::Authorize(const httplib::Request& request,
                                          const std::string& project, security::ProjectRole role) {
  std::string authorization = request.get_header_value("Authorization");
  if (authorization.rfind("Bearer ", 0) != 0) {
    return WithReplyKind(Status::Unauthenticated("send a ticket (MORTAR_TICKET) or an API key "
                                                 "(MORTAR_API_KEY) as 'Authorization: Bearer ...'"),
                         "ticket");
  }
  std::string secret = authorization.substr(7);
  Grant grant;
  if (secret.rfind("mk_", 0) == 0) {
    auto key = security::FindApiKey(home_, secret);
    if (!key.ok()) {
      return WithReplyKind(
          Status::Unauthenticated("the API key is unknown or revoked: create one with "
                                  "'mortar api-key create' or on the web page"),
          "ticket");
    }
    grant.scope = TicketScope{
        .user = key->user, .project = project, .any_dataset = true, .api_key_id = key->id};
  } else {
    auto scope = tickets_.Find(secret);
    if (!scope) {
      return WithReplyKind(
          Status::Unauthenticated("the ticket is unknown or has expired: a recipe's "
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
        return WithReplyKind(live, "ticket");
      }
    }
  }
  if (!grant.scope.project.empty() && grant.scope.project != project) {
    return WithReplyKind(Status::PermissionDenied("this ticket is for project '" +
                                                  grant.scope.project + "', not '" + project + "'"),
                         "not_declared");
  }
  // Checked on every request, tickets included: a role taken away ends what it allowed.
  Status allowed = security::RequireProjectRole(home_, grant.scope.user, project, role);
  if (!allowed.ok()) return WithReplyKind(allowed, "forbidden");
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
  return WithReplyKind(
      Status::PermissionDenied(what + " '" + name + "' is not " + use +
                               " of this recipe: declare it in the recipe's " +
                               (use == "an output" ? "outputs" : "inputs") + " to use it"),
      "not_declared");
}

Result<Dataset*> FindDataset(Context& context, const std::string& name) {
  auto dataset = context.GetDataset(name);
  if (!dataset.ok() && dataset.status().code() == ErrorCode::kNotFound)
    return WithReplyKind(dataset.status(), "unknown_dataset");
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
  return OpenDataset(request, request.matches[1], request.matches[2], for_writing);
}

Result<DataApi::DatasetRequest> DataApi::OpenDataset(const httplib::Request& request,
                                                     const std::string& project,
                                                     const std::string& name, bool for_writing) {
  DatasetRequest opened;
  MORTAR_ASSIGN_OR_RETURN(opened.grant, Authorize(request, project,
                                                  for_writing ? security::ProjectRole::kWrite
                                                              : security::ProjectRole::kRead));
  opened.name = name;
  MORTAR_ASSIGN_OR_RETURN(opened.context,
                          ContextFor(home_, registry_, opened.grant.scope.user, project, tokens_));
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
    Schema schema;
    if (body.contains("columns")) {
      config::ConfigObject object(body, "the request", "");
      MORTAR_ASSIGN_OR_RETURN(schema, config::SchemaFromJson(object, "columns"));
    } else {
      // Detected from the data as it is now (a table Spark just wrote).
      MORTAR_ASSIGN_OR_RETURN(schema, DetectDatasetSchema(*context, opened.name));
    }
    MORTAR_RETURN_IF_ERROR(RecordDatasetSchema(*context, opened.name, schema));
    ReplyJson(response, Json{{"dataset", opened.name}, {"columns", config::SchemaToJson(schema)}});
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
        return WithReplyKind(
            Status::Invalid("dataset '" + name + "' has no column '" + column +
                            "'; its columns are " + JoinNames(stream->reader->schema().Names())),
            "unknown_column");
      }
      stream->columns.push_back(*index);
      fields.push_back(full->field(*index));
    }
    stream->schema = stream->columns.empty() ? full : arrow::schema(fields);
    StreamReply(response, std::move(stream));
    return Status::OK();
  });
}

void DataApi::WriteRows(const httplib::Request& request, httplib::Response& response,
                        const httplib::ContentReader& content) {
  auto write = std::make_unique<IncomingWrite>();
  Grant grant;
  Status status = [&]() -> Status {
    MORTAR_ASSIGN_OR_RETURN(DatasetRequest opened, OpenDataset(request, true));
    grant = std::move(opened.grant);
    write->context = std::move(opened.context);
    write->dataset = opened.dataset;
    MORTAR_ASSIGN_OR_RETURN(write->mode, UploadMode(request));
    write->with_schema = request.get_param_value("with_schema") == "true";
    write->declared = write->dataset->config().schema;
    write->log = writer_log_;
    if (grant.scope.defer_commit) {
      MORTAR_ASSIGN_OR_RETURN(const config::Project* project, write->context->project());
      write->spool_dir = project->StateDir();
    }
    return Status::OK();
  }();
  std::unique_ptr<IncomingWrite> earlier;
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
  IncomingWrite* target = write.get();
  if (earlier && write->mode == WriteMode::kAppend) {
    target = earlier.get();
  } else if (earlier) {
    earlier.reset();  // aborts it
  }
  // Read the whole body even after an error, so that the client gets the answer
  // instead of a broken pipe; but a request refused before its stream began (no
  // ticket, no right to write) is read for kRefusedBodyDrain at most, as a web server
  // lingers, so that nobody holds a worker thread by sending for ever. Clients that
  // send 'Expect: 100-continue', as Mortar's own does, were refused before sending.
  const bool refused = !status.ok();
  const auto drain_until = std::chrono::steady_clock::now() + kRefusedBodyDrain;
  ArrowStreamInput input(*target, "the request body");
  content([&](const char* data, std::size_t size) {
    if (refused) return std::chrono::steady_clock::now() < drain_until;
    if (status.ok()) {
      if (Status consumed = input.Consume(data, size); !consumed.ok())
        status = input.listener_refused() ? consumed : WithReplyKind(consumed, "stream");
    }
    return true;
  });
  if (status.ok() && !input.ended()) {
    status =
        WithReplyKind(Status::Invalid("the Arrow stream ended before its end-of-stream marker: "
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
  std::map<std::string, std::unique_ptr<IncomingWrite>> held;
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
    if (!free_sql.ok()) return WithReplyKind(free_sql, "forbidden");
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
    StreamReply(response, std::move(stream));
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
    if (!readable.ok()) return WithReplyKind(readable, "credentials_refused");
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
