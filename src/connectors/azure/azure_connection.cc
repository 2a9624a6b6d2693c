#include "connectors/azure/azure_connection.h"

#include <filesystem>
#include <optional>

#include "connectors/cloud_file_store.h"
#include "connectors/connection_secret.h"
#include "mortar/config/home.h"
#include "mortar/security/vault.h"

namespace mortar::azure {

namespace {

namespace fs = std::filesystem;

Result<AzureSettings> ParseSettings(const config::ConnectionConfig& config,
                                    const config::Home& home) {
  config::ConfigObject params(config.params, config.file, "params");
  MORTAR_RETURN_IF_ERROR(params.CheckObject(
      {"account", "container", "endpoint", "account_key_env", "sas_token_env", "ca_file"}));
  AzureSettings settings;
  settings.connection = config.name;
  MORTAR_ASSIGN_OR_RETURN(settings.credentials.account, params.String("account"));
  const std::string& account = settings.credentials.account;
  if (account.empty() || account.find_first_of("/.:@ ") != std::string::npos)
    return params.Error("account", "expected a storage account name (letters and digits)");
  MORTAR_ASSIGN_OR_RETURN(settings.container, params.String("container"));
  if (settings.container.empty() || settings.container.find('/') != std::string::npos)
    return params.Error("container", "expected a container name (no '/')");
  MORTAR_ASSIGN_OR_RETURN(
      settings.endpoint,
      params.StringOr("endpoint", "https://" + account + ".blob.core.windows.net"));
  if (settings.endpoint.rfind("https://", 0) != 0 && settings.endpoint.rfind("http://", 0) != 0)
    return params.Error("endpoint", "expected an http:// or https:// URL");
  MORTAR_ASSIGN_OR_RETURN(std::string ca_file, params.StringOr("ca_file", ""));
  if (!ca_file.empty()) settings.ca_file = home.Resolve(ca_file).string();
  return settings;
}

class AzureBlobConnection final : public Connection, public FileStore {
 public:
  AzureBlobConnection(config::ConnectionConfig config, const OpenScope& scope)
      : Connection(std::move(config)), home_(scope.home), user_(scope.user) {}

  Result<TestReport> Test() override {
    MORTAR_ASSIGN_OR_RETURN(const AzureBlobClient* client, Client());
    MORTAR_RETURN_IF_ERROR(client->CheckContainer());
    const auto& credentials = client->settings().credentials;
    TestReport report{
        {"endpoint", client->settings().endpoint},
        {"account", credentials.account},
        {"container", client->settings().container},
        {"authorization", credentials.account_key.empty() ? "SAS token" : "account key"}};
    if (credentials.account_key.empty() && !SasExpiry(credentials.sas_token).empty())
      report.push_back({"sas_expiry", SasExpiry(credentials.sas_token)});
    return report;
  }

  Result<CredentialState> Credentials() override {
    CredentialState state;
    state.method = "Azure account key or SAS token";
    return state;
  }

  // Files datasets: blobs read with ranged requests, written whole as block blobs.
  FileStore* AsFiles() override { return this; }
  const std::string& connection_name() const override { return name(); }
  Status CheckPath(const std::string& path) const override { return CheckCloudPath(name(), path); }

  Result<std::vector<StoredFile>> ListFiles(const std::string& path) const override {
    MORTAR_RETURN_IF_ERROR(CheckPath(path));
    MORTAR_ASSIGN_OR_RETURN(const AzureBlobClient* client, Client());
    return FolderFiles(path,
                       [client](const std::string& prefix) -> Result<std::vector<StoredFile>> {
                         MORTAR_ASSIGN_OR_RETURN(auto blobs, client->ListBlobs(prefix));
                         std::vector<StoredFile> files;
                         for (const auto& blob : blobs) {
                           if (!blob.folder_marker)
                             files.push_back({blob.name, blob.size, blob.etag});
                         }
                         return files;
                       });
  }

  Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenFile(
      const StoredFile& file) const override {
    MORTAR_ASSIGN_OR_RETURN(const AzureBlobClient* client, Client());
    return std::shared_ptr<arrow::io::RandomAccessFile>(std::make_shared<RangedFile>(
        [client = *client, blob = file.path](int64_t offset, int64_t length) {
          return client.GetRange(blob, offset, length);
        },
        "connection '" + name() + "': " + file.path, file.size));
  }

  Result<std::unique_ptr<FileReplacement>> ReplaceFile(const std::string& path,
                                                       bool keep_content) override {
    MORTAR_RETURN_IF_ERROR(CheckPath(path));
    MORTAR_ASSIGN_OR_RETURN(const AzureBlobClient* client, Client());
    return ReplaceByUpload(
        path, keep_content,
        [client = *client, path](const fs::path& local) { return client.UploadFile(local, path); },
        [client, &path](const fs::path& local) { return client->DownloadFile(path, local); });
  }

  Status RemoveFile(const std::string& path) override {
    MORTAR_ASSIGN_OR_RETURN(const AzureBlobClient* client, Client());
    return client->Delete(path);
  }

  // Inside the service (Copy Blob): the new blob appears whole when the copy is done.
  Status CopyFile(const std::string& from, const std::string& to) override {
    MORTAR_RETURN_IF_ERROR(CheckPath(to));
    MORTAR_ASSIGN_OR_RETURN(const AzureBlobClient* client, Client());
    return client->CopyBlob(from, to);
  }

  Status RemoveFolder(const std::string& path) override {
    MORTAR_RETURN_IF_ERROR(CheckPath(path));
    MORTAR_ASSIGN_OR_RETURN(const AzureBlobClient* client, Client());
    std::string prefix = path;
    if (prefix.back() != '/') prefix += '/';
    return client->DeletePrefix(prefix).status();
  }

  std::optional<CloudLocation> Cloud(const std::string& path) const override {
    auto settings = ParseSettings(config(), home_);
    if (!settings.ok()) return std::nullopt;
    return CloudLocation{name(), "abfss", settings->container, path, settings->credentials.account};
  }

 private:
  // The client, with its secrets read once (from the vault or the environment).
  Result<const AzureBlobClient*> Client() const {
    if (!client_) {
      MORTAR_ASSIGN_OR_RETURN(AzureBlobClient client,
                              OpenAzureBlobClient(config(), OpenScope{home_, user_}));
      client_.emplace(std::move(client));
    }
    return &*client_;
  }

  config::Home home_;
  std::string user_;
  mutable std::optional<AzureBlobClient> client_;
};

class AzureBlobConnectionType final : public ConnectionType {
 public:
  std::string_view name() const override { return "azure_blob"; }
  std::string_view description() const override {
    return "a container of an Azure Storage account (Blob service)";
  }
  Result<std::unique_ptr<Connection>> Create(const config::ConnectionConfig& config,
                                             const OpenScope& scope) const override {
    MORTAR_RETURN_IF_ERROR(ParseSettings(config, scope.home).status());
    return std::unique_ptr<Connection>(new AzureBlobConnection(config, scope));
  }
};

}  // namespace

std::unique_ptr<ConnectionType> MakeAzureBlobConnectionType() {
  return std::make_unique<AzureBlobConnectionType>();
}

Result<AzureBlobClient> OpenAzureBlobClient(const config::ConnectionConfig& config,
                                            const OpenScope& scope) {
  if (config.type != "azure_blob") {
    return Status::Invalid("connection '" + config.name + "' is of type '" + config.type +
                           "', not azure_blob");
  }
  MORTAR_ASSIGN_OR_RETURN(AzureSettings settings, ParseSettings(config, scope.home));
  config::ConfigObject params(config.params, config.file, "params");
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(scope.home));
  MORTAR_ASSIGN_OR_RETURN(auto key, ConnectionSecret(params, config, vault, "account_key"));
  settings.credentials.account_key = key.value_or("");
  MORTAR_ASSIGN_OR_RETURN(auto stored_sas, ConnectionSecret(params, config, vault, "sas_token"));
  std::string sas = stored_sas.value_or("");
  while (!sas.empty() && (sas.front() == '?' || sas.front() == ' ')) sas.erase(0, 1);
  while (!sas.empty() && (sas.back() == '\n' || sas.back() == ' ')) sas.pop_back();
  settings.credentials.sas_token = sas;
  if (settings.credentials.account_key.empty() && settings.credentials.sas_token.empty()) {
    return Status::Auth("connection '" + config.name +
                        "' has neither an account_key nor a sas_token: an admin stores one with "
                        "'mortar connection set-secret " +
                        config.name +
                        " account_key' (or sas_token; it reads the value from standard input), "
                        "or sets account_key_env / sas_token_env");
  }
  return AzureBlobClient(std::move(settings));
}

}  // namespace mortar::azure
