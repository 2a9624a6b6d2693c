#include "connectors/databricks/unity_catalog_api.h"

#include "connectors/databricks/json_fields.h"
#include "mortar/config/document.h"
#include "mortar/http/client.h"
#include "mortar/http/clock.h"
#include "mortar/http/retry.h"
#include "mortar/http/url.h"

namespace mortar::databricks {

namespace {

using config::Json;

constexpr int64_t kMaxReplyBytes = 4 << 20;

// One call; both are reads, so they are retried on 429/503 and lost connections.
Result<Json> Call(const UnityCatalogApi& api, const std::string& method, const std::string& path,
                  std::string body, const std::string& what) {
  MORTAR_ASSIGN_OR_RETURN(std::string authorization, api.tokens->AuthorizationHeader());
  http::Request request;
  request.method = method;
  request.url = api.workspace_url + path;
  request.body = std::move(body);
  request.max_response_bytes = kMaxReplyBytes;
  request.timeout = std::chrono::minutes(1);
  request.headers = {{"Accept", "application/json"},
                     {"User-Agent", "Mortar/0.1"},
                     {"Authorization", std::move(authorization)}};
  if (method == "POST") request.headers.push_back({"Content-Type", "application/json"});
  std::string prefix = "connection '" + api.connection_name + "': Unity Catalog's " + what;
  auto response = http::SendWithRetry(*api.http, request, http::RetryPolicy{}, http::SystemClock());
  if (!response.ok()) return response.status().WithContext(prefix);
  Json reply = Json::parse(response->body, nullptr, false);
  if (response->status != 200) {
    std::string code = TextField(reply, "error_code");
    std::string message = TextField(reply, "message");
    if (message.size() > 500) message = message.substr(0, 500) + "...";
    std::string said = prefix + " answered HTTP " + std::to_string(response->status) +
                       (code.empty() ? "" : " " + code) + (message.empty() ? "" : ": " + message);
    if (response->status == 403) return Status::PermissionDenied(said);
    if (response->status == 404) return Status::NotFound(said);
    return Status::Remote(said);
  }
  if (reply.is_discarded() || !reply.is_object()) {
    return Status::Remote(prefix + " answered something that is not a JSON object");
  }
  return reply;
}

}  // namespace

Result<VendedTable> VendTableForRead(const UnityCatalogApi& api, const std::string& full_name) {
  // catalog.schema.table, each part a name Unity Catalog allows: none holds a '.' or a
  // '/', which would name another table or, in the URL, another API.
  int dots = 0;
  for (char c : full_name) dots += c == '.';
  if (dots != 2 || full_name.front() == '.' || full_name.back() == '.' ||
      full_name.find("..") != std::string::npos || full_name.find('/') != std::string::npos) {
    return Status::Invalid("the table name " + full_name +
                           " is not catalog.schema.table of names without '.' or '/'");
  }
  MORTAR_ASSIGN_OR_RETURN(
      Json table, Call(api, "GET", "/api/2.1/unity-catalog/tables/" + http::UrlEncode(full_name),
                       "", "table " + full_name));
  VendedTable vended;
  vended.table_id = TextField(table, "table_id");
  if (vended.table_id.empty()) {
    return Status::Remote("connection '" + api.connection_name + "': Unity Catalog gave table " +
                          full_name + " no table_id");
  }
  if (std::string format = TextField(table, "data_source_format"); format != "DELTA") {
    return Status::Invalid("table " + full_name + " is not a Delta table (" +
                           (format.empty() ? "no format" : format) + ")");
  }
  MORTAR_ASSIGN_OR_RETURN(vended.credentials,
                          VendTableCredentials(api, vended.table_id, full_name));
  return vended;
}

Result<VendedCredentials> VendTableCredentials(const UnityCatalogApi& api,
                                               const std::string& table_id,
                                               const std::string& full_name) {
  Json ask = {{"table_id", table_id}, {"operation", "READ"}};
  MORTAR_ASSIGN_OR_RETURN(Json reply,
                          Call(api, "POST", "/api/2.0/unity-catalog/temporary-table-credentials",
                               ask.dump(), "read credentials for " + full_name));
  VendedCredentials vended;
  vended.storage_location = TextField(reply, "url");
  vended.expires_at_ms = IntegerField(reply, "expiration_time");
  auto lacking = [&](const std::string& what) {
    return Status::Remote("connection '" + api.connection_name +
                          "': Unity Catalog's credentials for " + full_name + " lack " + what);
  };
  auto aws = reply.find("aws_temp_credentials");
  auto azure = reply.find("azure_user_delegation_sas");
  if (vended.storage_location.empty()) return lacking("the storage location (url)");
  if (aws != reply.end() && aws->is_object()) {
    vended.access_key_id = TextField(*aws, "access_key_id");
    vended.secret_access_key = TextField(*aws, "secret_access_key");
    vended.session_token = TextField(*aws, "session_token");
    if (vended.access_key_id.empty() || vended.secret_access_key.empty()) return lacking("a key");
  } else if (azure != reply.end() && azure->is_object()) {
    vended.azure_sas_token = TextField(*azure, "sas_token");
    if (vended.azure_sas_token.empty()) return lacking("a SAS token");
  } else {
    return Status::Invalid("Unity Catalog vended credentials for " + full_name +
                           " that are neither for S3 nor for Azure (Mortar reads tables directly "
                           "on S3 and Azure Data Lake Storage only)");
  }
  return vended;
}

}  // namespace mortar::databricks
