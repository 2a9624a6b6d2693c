#include "connectors/s3/s3_client.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <fstream>
#include <mutex>
#include <thread>

#include "connectors/cloud_file_store.h"
#include "connectors/file_parts.h"
#include "http/xml_value.h"
#include "mortar/core/ascii_case.h"
#include "mortar/core/digest.h"
#include "mortar/core/parse_integer.h"
#include "mortar/http/http_error_detail.h"
#include "mortar/http/retry.h"
#include "mortar/http/transport.h"
#include "mortar/http/url.h"

namespace mortar::s3 {

namespace fs = std::filesystem;
using http::XmlValue;

namespace {

std::string Unquoted(const std::string& etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    return etag.substr(1, etag.size() - 2);
  return etag;
}

// The ETag S3 gives an object completed from parts with these ETags: the MD5 of their
// MD5s (as bytes), a dash and their number, lower-case, without quotes. Empty when a
// part's ETag is not an MD5 in hex (as with SSE-KMS), so nothing can match it.
std::string MultipartEtag(const std::vector<std::string>& part_etags) {
  std::string digests;
  for (const std::string& quoted : part_etags) {
    std::string hex = AsciiLower(Unquoted(quoted));
    if (hex.size() != 32) return "";
    for (std::size_t i = 0; i < hex.size(); i += 2) {
      unsigned int byte = 0;
      auto [end, error] = std::from_chars(hex.data() + i, hex.data() + i + 2, byte, 16);
      if (error != std::errc() || end != hex.data() + i + 2) return "";
      digests += static_cast<char>(byte);
    }
  }
  return LowerHex(Md5Bytes(digests)) + "-" + std::to_string(part_etags.size());
}

}  // namespace

std::string S3BucketProblem(const std::string& bucket) {
  if (bucket.empty() || bucket.size() > 255) return "a bucket name has 1 to 255 characters";
  for (unsigned char c : bucket) {
    if (!std::isalnum(c) && c != '.' && c != '-' && c != '_')
      return "a bucket name holds only letters, digits, '.', '-' and '_'";
  }
  if (bucket == "." || bucket == "..") return "'.' and '..' are not bucket names";
  return "";
}

S3Client::S3Client(S3Settings settings)
    : settings_(std::move(settings)),
      transports_(http::TransportPool::Make(
          [tls = http::TlsOptions{settings_.ca_file}] { return http::MakeCurlTransport(tls); })) {}

std::string S3Client::ObjectUrl(const std::string& key, const std::string& query) const {
  std::string path = http::UrlEncodePath(key);
  std::string base = settings_.endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url;
  if (settings_.path_style) {
    url = base + "/" + settings_.bucket + "/" + path;
  } else {
    auto scheme_end = base.find("://");
    url = base.substr(0, scheme_end + 3) + settings_.bucket + "." + base.substr(scheme_end + 3) +
          "/" + path;
  }
  return query.empty() ? url : url + "?" + query;
}

Result<std::string> S3Client::Send(const std::string& method, const std::string& url,
                                   std::string body, const std::string& what,
                                   std::vector<http::Header> headers, std::string* etag,
                                   std::size_t max_response_bytes) const {
  http::Request request;
  request.method = method;
  request.url = url;
  request.body = std::move(body);
  request.headers = std::move(headers);
  request.max_response_bytes = max_response_bytes;
  request.timeout = std::chrono::minutes(10);
  SignRequest(request, settings_.credentials, settings_.region, AmzDateNow());
  MORTAR_ASSIGN_OR_RETURN(auto transport, transports_->Acquire());
  auto sent =
      http::SendWithRetry(*transport, request, http::ObjectStoreRetryPolicy(settings_.retry_budget),
                          http::SystemClock());
  std::string where = "connection '" + settings_.connection + "': " + what + " (" +
                      http::RedactUrl(settings_.endpoint) + ", bucket " + settings_.bucket + ")";
  if (!sent.ok()) {
    return Status(sent.status().code(), where + ": " + sent.status().message() +
                                            "; check the endpoint and that the server is up");
  }
  if (sent->status >= 200 && sent->status < 300) {
    if (etag) *etag = sent->Header("ETag").value_or("");
    return std::move(sent->body);
  }
  std::string code = XmlValue(sent->body, "Code");
  std::string message = XmlValue(sent->body, "Message");
  std::string said = " answered HTTP " + std::to_string(sent->status) +
                     (code.empty() ? "" : " " + code) + (message.empty() ? "" : ": " + message);
  if (sent->status == 403 || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" ||
      code == "ExpiredToken") {
    return Status::Auth(where + said +
                        "; check the access key id, the secret access key and the session token");
  }
  if (code == "NoSuchBucket") {
    return Status::NotFound(where + said + "; create the bucket or fix 'bucket'");
  }
  if (sent->status == 404) return Status::NotFound(where + said);
  return Status::Remote(where + said).WithDetail(http::HttpErrorDetail(sent->status));
}

Status S3Client::PutObject(const std::string& key, std::string body) const {
  return Send("PUT", ObjectUrl(key), std::move(body), "uploading " + key).status();
}

Status S3Client::UploadFile(const fs::path& file, const std::string& key) const {
  return SendFile(
      file, settings_.part_bytes, [&](std::string body) { return PutObject(key, std::move(body)); },
      [&](int64_t size) { return Multipart(file, key, size); });
}

Status S3Client::Multipart(const fs::path& file, const std::string& key, int64_t size) const {
  MORTAR_ASSIGN_OR_RETURN(std::string started, Send("POST", ObjectUrl(key, "uploads="), "",
                                                    "starting the upload of " + key));
  std::string upload_id = XmlValue(started, "UploadId");
  if (upload_id.empty())
    return Status::Remote("connection '" + settings_.connection +
                          "': the S3 server started no multipart upload");
  int64_t parts = (size + settings_.part_bytes - 1) / settings_.part_bytes;
  std::vector<std::string> etags(static_cast<std::size_t>(parts));
  Status failure = SendFileParts(
      file, size, settings_.part_bytes, settings_.parallel_parts,
      [&](int64_t part, std::string body) {
        return Send("PUT",
                    ObjectUrl(key, "partNumber=" + std::to_string(part + 1) +
                                       "&uploadId=" + http::UrlEncode(upload_id)),
                    std::move(body), "uploading part " + std::to_string(part + 1) + " of " + key,
                    {}, &etags[static_cast<std::size_t>(part)])
            .status();
      });
  if (failure.ok()) {
    std::string complete = "<CompleteMultipartUpload>";
    for (std::size_t i = 0; i < etags.size(); ++i) {
      complete += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags[i] +
                  "</ETag></Part>";
    }
    complete += "</CompleteMultipartUpload>";
    auto done = Send("POST", ObjectUrl(key, "uploadId=" + http::UrlEncode(upload_id)),
                     std::move(complete), "completing the upload of " + key);
    if (done.ok() && done->find("<Error>") == std::string::npos) return Status::OK();
    failure = done.ok() ? Status::Remote("connection '" + settings_.connection +
                                         "': the S3 server refused to complete the upload of " +
                                         key + ": " + XmlValue(*done, "Message"))
                        : done.status();
    // The completion is retried on a dropped connection or a 500; when an earlier try
    // landed, S3 no longer knows the upload. The object then says whether it holds
    // these parts: its ETag is theirs.
    if (failure.message().find("NoSuchUpload") != std::string::npos)
      return CompletedEarlier(key, etags, failure);
  }
  // No orphan parts: they would be billed and never seen.
  (void)Send("DELETE", ObjectUrl(key, "uploadId=" + http::UrlEncode(upload_id)), "",
             "aborting the upload of " + key);
  return failure;
}

Status S3Client::CompletedEarlier(const std::string& key, const std::vector<std::string>& etags,
                                  const Status& failure) const {
  std::string etag;
  auto head = Send("HEAD", ObjectUrl(key), "", "checking " + key, {}, &etag);
  std::string expected = MultipartEtag(etags);
  if (head.ok() && !expected.empty() && AsciiLower(Unquoted(etag)) == expected) return Status::OK();
  return Status(failure.code(),
                failure.message() +
                    "; the object there is not the one uploaded (its ETag is not that of the " +
                    std::to_string(etags.size()) +
                    " parts sent), so the upload did not land: run it again");
}

Result<S3Client::Level> S3Client::Pages(const std::string& prefix, bool delimited,
                                        std::size_t limit, const std::string& start_after) const {
  Level level;
  std::string token;
  while (true) {
    std::string query = "list-type=2&prefix=" + http::UrlEncode(prefix);
    if (delimited) query += "&delimiter=%2F";
    if (!start_after.empty()) query += "&start-after=" + http::UrlEncode(start_after);
    if (!token.empty()) query += "&continuation-token=" + http::UrlEncode(token);
    MORTAR_ASSIGN_OR_RETURN(std::string xml,
                            Send("GET", ObjectUrl("", query), "", "listing " + prefix));
    std::size_t at = 0;
    while (true) {
      std::string contents = http::XmlElement(xml, "Contents", &at);
      if (at == std::string::npos) break;
      ObjectInfo object;
      object.key = XmlValue(contents, "Key");
      std::string size = XmlValue(contents, "Size");
      auto parsed = ParseInteger(size);
      if (!size.empty() && !parsed) {
        return Status::Remote("connection '" + settings_.connection + "': listing " + prefix +
                              ": an object size that is not a number: '" + size + "'");
      }
      object.size = parsed.value_or(0);
      object.etag = XmlValue(contents, "ETag");
      level.objects.push_back(std::move(object));
    }
    for (const auto& common : http::XmlElements(xml, "CommonPrefixes"))
      level.prefixes.push_back(XmlValue(common, "Prefix"));
    bool more = XmlValue(xml, "IsTruncated") == "true";
    if (level.objects.size() + level.prefixes.size() >= limit) {
      level.truncated = more || level.objects.size() + level.prefixes.size() > limit;
      break;
    }
    if (!more) break;
    std::string next = XmlValue(xml, "NextContinuationToken");
    if (next.empty()) break;
    if (next == token) {  // the same page again, for ever
      return Status::Remote("connection '" + settings_.connection + "': listing " + prefix +
                            ": the server gave the same continuation token twice");
    }
    token = std::move(next);
  }
  return level;
}

Result<std::vector<ObjectInfo>> S3Client::ListObjects(const std::string& prefix,
                                                      const std::string& start_after) const {
  MORTAR_ASSIGN_OR_RETURN(Level level, Pages(prefix, false, SIZE_MAX, start_after));
  return std::move(level.objects);
}

Result<S3Client::Level> S3Client::ListLevel(const std::string& prefix, std::size_t limit) const {
  return Pages(prefix, true, limit);
}

Result<S3Client::Level> S3Client::ListFirst(const std::string& prefix, std::size_t limit) const {
  return Pages(prefix, false, limit);
}

Result<std::vector<std::string>> S3Client::List(const std::string& prefix) const {
  MORTAR_ASSIGN_OR_RETURN(auto objects, ListObjects(prefix));
  std::vector<std::string> keys;
  for (auto& object : objects) keys.push_back(std::move(object.key));
  return keys;
}

Result<std::string> S3Client::GetRange(const std::string& key, int64_t offset,
                                       int64_t length) const {
  if (length <= 0) return std::string();
  std::string range = http::ByteSpan(offset, length);
  return Send("GET", ObjectUrl(key), "", "reading bytes " + range + " of " + key,
              {{"Range", "bytes=" + range}}, nullptr, http::RangeReplyLimit(length));
}

Status S3Client::DownloadFile(const std::string& key, const fs::path& file) const {
  MORTAR_ASSIGN_OR_RETURN(auto objects, ListObjects(key));
  auto found = std::find_if(objects.begin(), objects.end(),
                            [&](const ObjectInfo& object) { return object.key == key; });
  if (found == objects.end()) {
    return Status::NotFound("connection '" + settings_.connection + "': no object " + key +
                            " in bucket " + settings_.bucket);
  }
  return DownloadInRanges(
      [&](int64_t offset, int64_t length) { return GetRange(key, offset, length); }, found->size,
      settings_.part_bytes, file);
}

Status S3Client::CopyObject(const std::string& from_key, const std::string& to_key) const {
  std::string source = "/" + settings_.bucket + "/" + http::UrlEncodePath(from_key);
  MORTAR_ASSIGN_OR_RETURN(std::string answer, Send("PUT", ObjectUrl(to_key), "",
                                                   "copying " + from_key + " to " + to_key,
                                                   {{"x-amz-copy-source", source}}));
  // A copy can fail after the server answered 200: the error is then in the body.
  if (answer.find("<Error>") != std::string::npos) {
    return Status::Remote("connection '" + settings_.connection + "': copying " + from_key +
                          " to " + to_key + " failed: " + XmlValue(answer, "Message"));
  }
  return Status::OK();
}

Status S3Client::Delete(const std::string& key) const {
  return Send("DELETE", ObjectUrl(key), "", "deleting " + key).status();
}

Result<int64_t> S3Client::DeletePrefix(const std::string& prefix) const {
  MORTAR_ASSIGN_OR_RETURN(auto keys, List(prefix));
  for (const auto& key : keys) MORTAR_RETURN_IF_ERROR(Delete(key));
  return static_cast<int64_t>(keys.size());
}

Status S3Client::CheckBucket() const {
  return Send("GET", ObjectUrl("", "list-type=2&max-keys=1"), "", "listing the bucket").status();
}

}  // namespace mortar::s3
