#include "connectors/databricks/volume_store.h"

#include <mutex>
#include <set>

#include "mortar/config/document.h"
#include "mortar/core/sql_error_detail.h"
#include "mortar/http/url.h"
#include "mortar/sql/dialect.h"

namespace mortar::databricks {

namespace {

// Staging statements take paths as string literals, quoted as every Databricks literal.
std::string Literal(const std::string& path) {
  return sql::DatabricksDialect().QuoteString(path);
}

class VolumeStagingStore final : public StagingStore {
 public:
  VolumeStagingStore(std::string volume, StagingStatement run, TransportFactory transport)
      : volume_(std::move(volume)), run_(std::move(run)), transport_(std::move(transport)) {}

  std::string name() const override { return "volume " + volume_; }
  std::string DisplayUri(const std::string& prefix) const override {
    return volume_ + "/" + prefix;
  }

  Status Upload(const std::filesystem::path& file, const std::string& key) const override {
    std::string target = volume_ + "/" + key;
    if (file.string().find_first_of("'\\") != std::string::npos)
      return Status::Invalid("cannot stage " + file.string() + ": its path holds a quote");
    {
      std::lock_guard<std::mutex> lock(mutex_);
      attempted_.insert(key);
    }
    MORTAR_ASSIGN_OR_RETURN(StagingAnswer answer, Run("PUT " + Literal(file.string()) + " INTO " +
                                                          Literal(target) + " OVERWRITE",
                                                      "PUT", target));
    // Sent as it is read: a staged file is never held in memory.
    return Transfer("PUT", answer, file, "uploading to " + target);
  }

  Result<int64_t> DeletePrefix(const std::string& prefix) const override {
    std::set<std::string> keys;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& key : attempted_)
        if (key.rfind(prefix, 0) == 0) keys.insert(key);
    }
    int64_t removed = 0;
    for (const auto& key : keys) {
      std::string target = volume_ + "/" + key;
      auto answer = Run("REMOVE " + Literal(target), "REMOVE", target);
      if (!answer.ok() && NothingThere(answer.status())) {
        // REMOVE of a file that is not there fails (NOT_FOUND, SQLSTATE 42704): an upload
        // that never arrived leaves nothing to remove.
        std::lock_guard<std::mutex> lock(mutex_);
        attempted_.erase(key);
        continue;
      }
      if (!answer.ok()) return answer.status();
      auto deleted = Transfer("DELETE", *answer, {}, "removing " + target);
      // An upload that never arrived leaves nothing to remove.
      if (!deleted.ok() && deleted.code() != ErrorCode::kNotFound) return deleted;
      if (deleted.ok()) ++removed;
      std::lock_guard<std::mutex> lock(mutex_);
      attempted_.erase(key);
    }
    return removed;
  }

  Result<StagedFiles> Locate(const std::string& prefix, StagingFormat format,
                             bool /*copy_into*/) const override {
    StagedFiles files;
    files.copy_into_uri = volume_ + "/" + prefix;
    files.query_uri = files.copy_into_uri;
    files.format = format;  // no credential, no open-source Spark path: see the header
    return files;
  }

  std::vector<std::string> Secrets() const override { return {}; }

 private:
  static bool NothingThere(const Status& status) {
    const auto* sql = status.detail<SqlErrorDetail>();
    return (sql != nullptr && sql->sqlstate == "42704") ||
           status.message().find("NOT_FOUND:") != std::string::npos;
  }

  Result<StagingAnswer> Run(const std::string& sql, const std::string& operation,
                            const std::string& target) const {
    Result<StagingAnswer> answer = [&] {
      std::lock_guard<std::mutex> lock(mutex_);  // one statement at a time on the session
      return run_(sql);
    }();
    if (!answer.ok()) return answer.status().WithContext("staging " + target + " in the volume");
    if (answer->operation != operation || answer->url.empty()) {
      return Status::Remote("the server answered the staging statement for " + target +
                            " with operation '" + answer->operation + "' and " +
                            (answer->url.empty() ? "no URL" : "a URL") + "; expected " + operation +
                            " with a presigned URL");
    }
    return answer;
  }

  Status Transfer(const std::string& method, const StagingAnswer& answer,
                  const std::filesystem::path& body_file, const std::string& what) const {
    MORTAR_ASSIGN_OR_RETURN(auto transport, transport_());
    http::Request request;
    request.method = method;
    request.url = answer.url;
    request.headers = answer.headers;
    request.body_file = body_file;
    auto sent = transport->Send(request);
    // The presigned URL is a secret: only its redacted form reaches a message.
    std::string where = what + " (" + http::RedactUrl(answer.url) + ")";
    if (!sent.ok()) return Status(sent.status().code(), where + ": " + sent.status().message());
    if (sent->status == 200 || sent->status == 201 || sent->status == 202 || sent->status == 204)
      return Status::OK();
    std::string said = where + ": the presigned URL answered HTTP " + std::to_string(sent->status);
    if (sent->status == 404) return Status::NotFound(said);
    if (sent->status == 401 || sent->status == 403)
      return Status::Auth(said + "; the URL may have expired, or the volume refuses writes");
    return Status::Remote(said);
  }

  std::string volume_;
  StagingStatement run_;
  TransportFactory transport_;
  mutable std::mutex mutex_;
  mutable std::set<std::string> attempted_;  // keys PUT (or tried): what cleanup removes
};

}  // namespace

Result<std::string> ParseVolumePath(const std::string& path) {
  std::string volume = path;
  while (!volume.empty() && volume.back() == '/') volume.pop_back();
  auto invalid = [&](const std::string& why) {
    return Status::Invalid("fast_write.volume '" + path + "': " + why +
                           "; expected /Volumes/<catalog>/<schema>/<volume>[/<path>]");
  };
  if (volume.rfind("/Volumes/", 0) != 0) return invalid("not under /Volumes/");
  if (volume.find_first_of("'\\\"`") != std::string::npos) return invalid("quotes are not allowed");
  if (volume.find("/../") != std::string::npos || volume.find("//") != std::string::npos ||
      (volume.size() >= 3 && volume.compare(volume.size() - 3, 3, "/..") == 0)) {
    return invalid("empty or '..' segments are not allowed");
  }
  int segments = 0;
  for (char c : volume) segments += c == '/';
  if (segments < 4) return invalid("catalog, schema and volume are all needed");
  return volume;
}

Result<StagingAnswer> StagingAnswerFromRow(const std::string& operation, const std::string& url,
                                           const std::string& headers_json) {
  StagingAnswer answer{operation, url, {}};
  if (headers_json.empty() || headers_json == "null") return answer;
  auto headers = config::Json::parse(headers_json, nullptr, false);
  if (headers.is_discarded() || !headers.is_object())
    return Status::Remote("the staging answer's headers are not a JSON object");
  for (const auto& [name, value] : headers.items())
    answer.headers.push_back({name, value.is_string() ? value.get<std::string>() : value.dump()});
  return answer;
}

std::unique_ptr<StagingStore> MakeVolumeStagingStore(std::string volume, StagingStatement run,
                                                     TransportFactory transport) {
  return std::make_unique<VolumeStagingStore>(std::move(volume), std::move(run),
                                              std::move(transport));
}

}  // namespace mortar::databricks
