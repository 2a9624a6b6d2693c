#include "connectors/azure/azure_client.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "connectors/cloud_file_store.h"
#include "connectors/file_parts.h"
#include "http/xml_value.h"
#include "mortar/core/parse_integer.h"
#include "mortar/core/wall_time.h"
#include "mortar/http/http_error_detail.h"
#include "mortar/http/retry.h"
#include "mortar/http/transport.h"
#include "mortar/http/url.h"

namespace mortar::azure {

namespace fs = std::filesystem;

namespace {

// Block ids: base64 of a fixed-width number (all ids of a blob must be equally long).
std::string BlockId(int64_t block) {
  return EncodeBase64("block-" + std::to_string(1000000 + block).substr(1));
}

}  // namespace

std::string TrimSasToken(std::string sas_token) {
  while (!sas_token.empty() && (sas_token.front() == '?' || sas_token.front() == ' '))
    sas_token.erase(0, 1);
  while (!sas_token.empty() && (sas_token.back() == '\n' || sas_token.back() == ' '))
    sas_token.pop_back();
  return sas_token;
}

std::string SasExpiry(const std::string& sas_token) {
  std::size_t start = 0;
  while (start < sas_token.size()) {
    auto amp = sas_token.find('&', start);
    std::string pair =
        sas_token.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (pair.rfind("se=", 0) == 0) return http::UrlDecode(pair.substr(3));
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return "";
}

std::string AzureBlobClient::Url(const std::string& name, const std::string& query) const {
  std::string base = settings_.endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url =
      base + "/" + settings_.container + (name.empty() ? "" : "/" + http::UrlEncodePath(name));
  std::string full_query = query;
  const std::string& sas = settings_.credentials.sas_token;
  if (settings_.credentials.account_key.empty() && !sas.empty())
    full_query += (full_query.empty() ? "" : "&") + sas;
  return full_query.empty() ? url : url + "?" + full_query;
}

AzureBlobClient::AzureBlobClient(AzureSettings settings)
    : settings_(std::move(settings)),
      transports_(http::TransportPool::Make(
          [tls = http::TlsOptions{settings_.ca_file}] { return http::MakeCurlTransport(tls); })) {}

std::string AzureBlobClient::BlobUri(const std::string& name) const {
  std::string base = settings_.endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/" + settings_.container + "/" + name;
}

std::string AzureBlobClient::AbfssUri(const std::string& name) const {
  return CloudLocation{settings_.connection, "abfss", settings_.container, name,
                       settings_.credentials.account}
      .Uri();
}

Result<std::string> AzureBlobClient::Send(const std::string& method, const std::string& url,
                                          std::string body, const std::string& what,
                                          std::vector<http::Header> headers,
                                          std::size_t max_response_bytes) const {
  MORTAR_ASSIGN_OR_RETURN(http::Response response, Call(method, url, std::move(body), what,
                                                        std::move(headers), max_response_bytes));
  return std::move(response.body);
}

Result<http::Response> AzureBlobClient::Call(const std::string& method, const std::string& url,
                                             std::string body, const std::string& what,
                                             std::vector<http::Header> headers,
                                             std::size_t max_response_bytes) const {
  std::string where = "connection '" + settings_.connection + "': " + what + " (" +
                      http::RedactUrl(settings_.endpoint) + ", container " + settings_.container +
                      ")";
  http::Request request;
  request.method = method;
  request.url = url;
  request.body = std::move(body);
  request.headers = std::move(headers);
  request.headers.push_back({"x-ms-version", kStorageVersion});
  request.max_response_bytes = max_response_bytes;
  // Sent explicitly so that it is the value signed (the transport would add its own,
  // to a PUT without a body too).
  if ((!request.body.empty() || method == "PUT") && !request.Header("Content-Type"))
    request.headers.push_back({"Content-Type", "application/octet-stream"});
  request.timeout = std::chrono::minutes(10);
  const AzureCredentials& credentials = settings_.credentials;
  if (!credentials.account_key.empty()) {
    if (!SignSharedKey(request, credentials.account, credentials.account_key, MsDateNow())) {
      return Status::Auth(where +
                          ": the account key is not base64; copy it again from the "
                          "storage account's access keys");
    }
  } else {
    request.headers.push_back({"x-ms-date", MsDateNow()});
  }
  MORTAR_ASSIGN_OR_RETURN(auto transport, transports_->Acquire());
  auto sent =
      http::SendWithRetry(*transport, request, http::ObjectStoreRetryPolicy(settings_.retry_budget),
                          http::SystemClock());
  if (!sent.ok()) {
    return Status(sent.status().code(), where + ": " + sent.status().message() +
                                            "; check the endpoint and that the server is up");
  }
  if (sent->status >= 200 && sent->status < 300) return std::move(*sent);
  std::string code = http::XmlValue(sent->body, "Code");
  if (code.empty()) code = sent->Header("x-ms-error-code").value_or("");
  std::string message = http::XmlValue(sent->body, "Message");
  message = message.substr(0, message.find('\n'));  // then come the request id and time
  std::string said = " answered HTTP " + std::to_string(sent->status) +
                     (code.empty() ? "" : " " + code) + (message.empty() ? "" : ": " + message);
  if (sent->status == 403 || sent->status == 401) {
    if (credentials.account_key.empty()) {
      std::string expiry = SasExpiry(credentials.sas_token);
      if (settings_.sas_vended) {
        return Status::Auth(where + said + "; the SAS token Unity Catalog vended for the table" +
                            (expiry.empty() ? "" : " (valid until " + expiry + ")") +
                            " does not reach this file: read the table again");
      }
      if (!expiry.empty() && expiry < UtcNow("%Y-%m-%dT%H:%M:%SZ")) {
        return Status::Auth(where + said + "; the SAS token expired at " + expiry +
                            ": store a new one with 'mortar connection set-secret " +
                            settings_.connection + " sas_token'");
      }
      return Status::Auth(where + said +
                          "; check the SAS token: its expiry, its permissions (read, add, create, "
                          "write, delete, list) and that it is for this account and container");
    }
    return Status::Auth(where + said + "; check the account name and the account key");
  }
  if (code == "ContainerNotFound") {
    return Status::NotFound(where + said + "; create the container or fix 'container'");
  }
  if (sent->status == 404) return Status::NotFound(where + said);
  return Status::Remote(where + said).WithDetail(http::HttpErrorDetail(sent->status));
}

Status AzureBlobClient::PutBlob(const std::string& name, std::string body) const {
  return Send("PUT", Url(name, ""), std::move(body), "uploading " + name,
              {{"x-ms-blob-type", "BlockBlob"}})
      .status();
}

Result<std::string> AzureBlobClient::GetBlob(const std::string& name) const {
  return Send("GET", Url(name, ""), "", "reading " + name, {}, http::Request{}.max_response_bytes);
}

Status AzureBlobClient::UploadFile(const fs::path& file, const std::string& name) const {
  return SendFile(
      file, settings_.block_bytes, [&](std::string body) { return PutBlob(name, std::move(body)); },
      [&](int64_t size) { return PutBlocks(file, name, size); });
}

Status AzureBlobClient::PutBlocks(const fs::path& file, const std::string& name,
                                  int64_t size) const {
  int64_t blocks = (size + settings_.block_bytes - 1) / settings_.block_bytes;
  Status failure = SendFileParts(
      file, size, settings_.block_bytes, settings_.parallel_blocks,
      [&](int64_t block, std::string body) {
        return Send("PUT", Url(name, "comp=block&blockid=" + http::UrlEncode(BlockId(block))),
                    std::move(body), "uploading block " + std::to_string(block + 1) + " of " + name)
            .status();
      });
  // A failed upload commits nothing: a blob already at `name` (the data a replace was
  // to replace) stays as it was, and the service drops uncommitted blocks by itself
  // (after a week). Committing an empty list to clear them would have emptied that blob.
  if (!failure.ok()) return failure;
  std::string list = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
  for (int64_t block = 0; block < blocks; ++block)
    list += "<Latest>" + BlockId(block) + "</Latest>";
  list += "</BlockList>";
  return Send("PUT", Url(name, "comp=blocklist"), std::move(list),
              "committing the blocks of " + name, {{"Content-Type", "application/xml"}})
      .status();
}

Result<AzureBlobClient::Level> AzureBlobClient::Pages(const std::string& prefix, bool delimited,
                                                      std::size_t limit) const {
  Level level;
  std::string marker;
  while (true) {
    std::string query =
        "restype=container&comp=list&include=metadata&prefix=" + http::UrlEncode(prefix);
    if (delimited) query += "&delimiter=%2F";
    if (!marker.empty()) query += "&marker=" + http::UrlEncode(marker);
    MORTAR_ASSIGN_OR_RETURN(std::string xml, Send("GET", Url("", query), "", "listing " + prefix));
    // One <Blob> element per blob, each with its <Name> and <Properties>.
    for (std::size_t at = xml.find("<Blob>"); at != std::string::npos;
         at = xml.find("<Blob>", at + 1)) {
      std::size_t end = xml.find("</Blob>", at);
      std::string blob = xml.substr(at, end == std::string::npos ? std::string::npos : end - at);
      BlobInfo info;
      info.name = http::XmlValue(blob, "Name");
      std::string size = http::XmlValue(blob, "Content-Length");
      auto parsed = ParseInteger(size);
      if (!size.empty() && !parsed) {
        return Status::Remote("connection '" + settings_.connection + "': listing " + prefix +
                              ": a blob size that is not a number: '" + size + "'");
      }
      info.size = parsed.value_or(0);
      info.etag = http::XmlValue(blob, "Etag");
      info.folder_marker = http::XmlValue(blob, "hdi_isfolder") == "true";
      level.blobs.push_back(std::move(info));
    }
    for (const auto& folder : http::XmlElements(xml, "BlobPrefix"))
      level.prefixes.push_back(http::XmlValue(folder, "Name"));
    std::string next = http::XmlValue(xml, "NextMarker");
    if (!next.empty() && next == marker) {  // the same page again, for ever
      return Status::Remote("connection '" + settings_.connection + "': listing " + prefix +
                            ": the service gave the same marker twice");
    }
    marker = std::move(next);
    if (level.blobs.size() + level.prefixes.size() >= limit) {
      level.truncated = !marker.empty() || level.blobs.size() + level.prefixes.size() > limit;
      break;
    }
    if (marker.empty()) break;
  }
  return level;
}

Result<std::vector<BlobInfo>> AzureBlobClient::ListBlobs(const std::string& prefix) const {
  MORTAR_ASSIGN_OR_RETURN(Level level, Pages(prefix, false, SIZE_MAX));
  return std::move(level.blobs);
}

Result<AzureBlobClient::Level> AzureBlobClient::ListLevel(const std::string& prefix,
                                                          std::size_t limit) const {
  return Pages(prefix, true, limit);
}

Result<std::vector<std::string>> AzureBlobClient::List(const std::string& prefix) const {
  MORTAR_ASSIGN_OR_RETURN(auto blobs, ListBlobs(prefix));
  std::vector<std::string> names;
  for (auto& blob : blobs) names.push_back(std::move(blob.name));
  return names;
}

Result<std::string> AzureBlobClient::GetRange(const std::string& name, int64_t offset,
                                              int64_t length) const {
  std::string range = http::ByteSpan(offset, length);
  return Send("GET", Url(name, ""), "", "reading bytes " + range + " of " + name,
              {{"x-ms-range", "bytes=" + range}}, http::RangeReplyLimit(length));
}

Status AzureBlobClient::DownloadFile(const std::string& name, const fs::path& file) const {
  MORTAR_ASSIGN_OR_RETURN(auto blobs, ListBlobs(name));
  auto found = std::find_if(blobs.begin(), blobs.end(),
                            [&](const BlobInfo& blob) { return blob.name == name; });
  if (found == blobs.end()) {
    return Status::NotFound("connection '" + settings_.connection + "': no blob " + name +
                            " in container " + settings_.container);
  }
  return DownloadInRanges(
      [&](int64_t offset, int64_t length) { return GetRange(name, offset, length); }, found->size,
      settings_.block_bytes, file);
}

Status AzureBlobClient::Delete(const std::string& name) const {
  return Send("DELETE", Url(name, ""), "", "deleting " + name).status();
}

Status AzureBlobClient::CopyBlob(const std::string& from, const std::string& to) const {
  // The service reads the source by its URL, which must carry its own authorization: the
  // connection's SAS, or one signed with the account key, read only, for an hour.
  std::string source = Url(from, "");
  const AzureCredentials& credentials = settings_.credentials;
  if (!credentials.account_key.empty()) {
    int64_t now = UnixSeconds();
    auto sas = ContainerSas(credentials.account, credentials.account_key, settings_.container, "r",
                            UtcText(now - 300), UtcText(now + 3600));
    if (!sas) {
      return Status::Auth("connection '" + settings_.connection +
                          "': the account key is not base64; copy it again from the storage "
                          "account's access keys");
    }
    source += "?" + *sas;
  }
  MORTAR_ASSIGN_OR_RETURN(http::Response started,
                          Call("PUT", Url(to, ""), "", "copying " + from + " to " + to,
                               {{"x-ms-copy-source", source}}));
  std::string status = started.Header("x-ms-copy-status").value_or("success");
  // A copy inside one account is usually done when the call returns; otherwise the
  // target's properties tell when it is.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(30);
  while (status == "pending" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    MORTAR_ASSIGN_OR_RETURN(http::Response properties,
                            Call("HEAD", Url(to, ""), "", "checking the copy of " + from));
    status = properties.Header("x-ms-copy-status").value_or("success");
  }
  if (status == "success") return Status::OK();
  (void)Delete(to);  // a failed copy leaves an empty blob; a pending one stops here
  return Status::Remote("connection '" + settings_.connection + "': copying " + from + " to " + to +
                        (status == "pending" ? " did not finish within 30 minutes"
                                             : " ended with status '" + status + "'"));
}

Result<int64_t> AzureBlobClient::DeletePrefix(const std::string& prefix) const {
  bool folder = !prefix.empty() && prefix.back() == '/';
  std::string marker = folder ? prefix.substr(0, prefix.size() - 1) : "";
  MORTAR_ASSIGN_OR_RETURN(auto blobs, ListBlobs(folder && !marker.empty() ? marker : prefix));
  int64_t deleted = 0;
  for (const auto& blob : blobs) {
    if (folder && blob.name != marker && blob.name.rfind(prefix, 0) != 0) continue;  // a sibling
    MORTAR_RETURN_IF_ERROR(Delete(blob.name));
    if (!blob.folder_marker) ++deleted;
  }
  return deleted;
}

Status AzureBlobClient::CheckContainer() const {
  // Listing (not Get Container Properties) also works with a container-scoped SAS.
  return Send("GET", Url("", "restype=container&comp=list&maxresults=1"), "",
              "listing the container")
      .status();
}

}  // namespace mortar::azure
