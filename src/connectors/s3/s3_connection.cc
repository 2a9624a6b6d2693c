#include "connectors/s3/s3_connection.h"

#include <filesystem>
#include <optional>

#include "connectors/cloud_file_store.h"
#include "connectors/connection_secret.h"
#include "mortar/config/home.h"
#include "mortar/security/vault.h"

namespace mortar::s3 {

namespace {

namespace fs = std::filesystem;

// A secret (see connection_secret.h); a required one that is missing says how to store it.
Result<std::string> Secret(const config::ConfigObject& params,
                           const config::ConnectionConfig& config, const security::Vault& vault,
                           const std::string& field, bool required) {
  MORTAR_ASSIGN_OR_RETURN(auto stored, ConnectionSecret(params, config, vault, field));
  if (!stored && required) {
    return Status::Auth("connection '" + config.name + "' has no " + field +
                        ": an admin stores it with 'mortar connection set-secret " + config.name +
                        " " + field + "' (it reads the value from standard input), or sets " +
                        field + "_env");
  }
  return stored.value_or("");
}

Result<S3Settings> ParseSettings(const config::ConnectionConfig& config, const config::Home& home) {
  config::ConfigObject params(config.params, config.file, "params");
  MORTAR_RETURN_IF_ERROR(
      params.CheckObject({"endpoint", "region", "bucket", "path_style", "access_key_id",
                          "secret_access_key_env", "session_token_env", "ca_file"}));
  S3Settings settings;
  settings.connection = config.name;
  MORTAR_ASSIGN_OR_RETURN(settings.region, params.StringOr("region", "us-east-1"));
  MORTAR_ASSIGN_OR_RETURN(
      settings.endpoint,
      params.StringOr("endpoint", "https://s3." + settings.region + ".amazonaws.com"));
  if (settings.endpoint.rfind("https://", 0) != 0 && settings.endpoint.rfind("http://", 0) != 0)
    return params.Error("endpoint", "expected an http:// or https:// URL");
  MORTAR_ASSIGN_OR_RETURN(settings.bucket, params.String("bucket"));
  if (settings.bucket.empty() || settings.bucket.find('/') != std::string::npos)
    return params.Error("bucket", "expected a bucket name (no '/')");
  MORTAR_ASSIGN_OR_RETURN(settings.path_style, params.BooleanOr("path_style", false));
  MORTAR_ASSIGN_OR_RETURN(settings.credentials.access_key_id, params.String("access_key_id"));
  MORTAR_ASSIGN_OR_RETURN(std::string ca_file, params.StringOr("ca_file", ""));
  if (!ca_file.empty()) settings.ca_file = home.Resolve(ca_file).string();
  return settings;
}

class S3Connection final : public Connection, public FileStore {
 public:
  S3Connection(config::ConnectionConfig config, const OpenScope& scope)
      : Connection(std::move(config)), home_(scope.home), user_(scope.user) {}

  Result<TestReport> Test() override {
    MORTAR_ASSIGN_OR_RETURN(const S3Client* client, Client());
    MORTAR_RETURN_IF_ERROR(client->CheckBucket());
    return TestReport{{"endpoint", client->settings().endpoint},
                      {"bucket", client->settings().bucket},
                      {"region", client->settings().region}};
  }

  Result<CredentialState> Credentials() override {
    CredentialState state;
    state.method = "S3 access key";
    return state;
  }

  FileStore* AsFiles() override { return this; }
  const std::string& connection_name() const override { return name(); }

  Status CheckPath(const std::string& path) const override { return CheckCloudPath(name(), path); }

  Result<std::vector<StoredFile>> ListFiles(const std::string& path) const override {
    MORTAR_RETURN_IF_ERROR(CheckPath(path));
    MORTAR_ASSIGN_OR_RETURN(const S3Client* client, Client());
    return FolderFiles(path,
                       [client](const std::string& prefix) -> Result<std::vector<StoredFile>> {
                         MORTAR_ASSIGN_OR_RETURN(auto objects, client->ListObjects(prefix));
                         std::vector<StoredFile> files;
                         for (const auto& object : objects)
                           files.push_back({object.key, object.size, object.etag});
                         return files;
                       });
  }

  Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenFile(
      const StoredFile& file) const override {
    MORTAR_ASSIGN_OR_RETURN(const S3Client* client, Client());
    return std::shared_ptr<arrow::io::RandomAccessFile>(std::make_shared<RangedFile>(
        [client = *client, key = file.path](int64_t offset, int64_t length) {
          return client.GetRange(key, offset, length);
        },
        "connection '" + name() + "': " + file.path, file.size));
  }

  Result<std::unique_ptr<FileReplacement>> ReplaceFile(const std::string& path,
                                                       bool keep_content) override {
    MORTAR_RETURN_IF_ERROR(CheckPath(path));
    MORTAR_ASSIGN_OR_RETURN(const S3Client* client, Client());
    return ReplaceByUpload(
        path, keep_content,
        [client = *client, path](const fs::path& local) { return client.UploadFile(local, path); },
        [client, &path](const fs::path& local) { return client->DownloadFile(path, local); });
  }

  Status RemoveFile(const std::string& path) override {
    MORTAR_ASSIGN_OR_RETURN(const S3Client* client, Client());
    return client->Delete(path);
  }

  Status CopyFile(const std::string& from, const std::string& to) override {
    MORTAR_ASSIGN_OR_RETURN(const S3Client* client, Client());
    return client->CopyObject(from, to);
  }

  Status RemoveFolder(const std::string& path) override {
    MORTAR_RETURN_IF_ERROR(CheckPath(path));
    MORTAR_ASSIGN_OR_RETURN(const S3Client* client, Client());
    std::string prefix = path;
    if (prefix.back() != '/') prefix += '/';
    return client->DeletePrefix(prefix).status();
  }

  std::optional<CloudLocation> Cloud(const std::string& path) const override {
    auto settings = ParseSettings(config(), home_);
    if (!settings.ok()) return std::nullopt;
    return CloudLocation{name(), "s3", settings->bucket, path};
  }

 private:
  // The client, with its secrets read once (from the vault or the environment).
  Result<const S3Client*> Client() const {
    if (!client_) {
      MORTAR_ASSIGN_OR_RETURN(S3Client client, OpenS3Client(config(), OpenScope{home_, user_}));
      client_.emplace(std::move(client));
    }
    return &*client_;
  }

  config::Home home_;
  std::string user_;
  mutable std::optional<S3Client> client_;
};

class S3ConnectionType final : public ConnectionType {
 public:
  std::string_view name() const override { return "s3"; }
  std::string_view description() const override {
    return "a bucket on Amazon S3 or an S3-compatible server";
  }
  Result<std::unique_ptr<Connection>> Create(const config::ConnectionConfig& config,
                                             const OpenScope& scope) const override {
    MORTAR_RETURN_IF_ERROR(ParseSettings(config, scope.home).status());
    return std::unique_ptr<Connection>(new S3Connection(config, scope));
  }
};

}  // namespace

std::unique_ptr<ConnectionType> MakeS3ConnectionType() {
  return std::make_unique<S3ConnectionType>();
}

Result<S3Client> OpenS3Client(const config::ConnectionConfig& config, const OpenScope& scope) {
  if (config.type != "s3") {
    return Status::Invalid("connection '" + config.name + "' is of type '" + config.type +
                           "', not s3");
  }
  MORTAR_ASSIGN_OR_RETURN(S3Settings settings, ParseSettings(config, scope.home));
  config::ConfigObject params(config.params, config.file, "params");
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(scope.home));
  MORTAR_ASSIGN_OR_RETURN(settings.credentials.secret_access_key,
                          Secret(params, config, vault, "secret_access_key", true));
  MORTAR_ASSIGN_OR_RETURN(settings.credentials.session_token,
                          Secret(params, config, vault, "session_token", false));
  return S3Client(std::move(settings));
}

}  // namespace mortar::s3
