#include "connectors/azure/azure_object_store.h"

#include "connectors/azure/shared_key.h"

namespace mortar::azure {

namespace {

class AzureObjectStore final : public ObjectStore {
 public:
  AzureObjectStore(AzureBlobClient client, std::function<int64_t()> now)
      : client_(std::move(client)), now_(std::move(now)) {}

  const std::string& connection() const override { return client_.settings().connection; }

  Result<TestReport> Check() const override {
    MORTAR_RETURN_IF_ERROR(client_.CheckContainer());
    const auto& credentials = client_.settings().credentials;
    TestReport report{
        {"endpoint", client_.settings().endpoint},
        {"account", credentials.account},
        {"container", client_.settings().container},
        {"authorization", credentials.account_key.empty() ? "SAS token" : "account key"}};
    if (credentials.account_key.empty() && !SasExpiry(credentials.sas_token).empty())
      report.push_back({"sas_expiry", SasExpiry(credentials.sas_token)});
    return report;
  }

  Result<std::vector<StoredFile>> List(const std::string& prefix) const override {
    MORTAR_ASSIGN_OR_RETURN(auto blobs, client_.ListBlobs(prefix));
    std::vector<StoredFile> files;
    for (const auto& blob : blobs) {
      if (!blob.folder_marker) files.push_back({blob.name, blob.size, blob.etag});
    }
    return files;
  }
  Result<ObjectFolder> ListFolder(const std::string& prefix, std::size_t limit) const override {
    MORTAR_ASSIGN_OR_RETURN(auto level, client_.ListLevel(prefix, limit));
    ObjectFolder folder{{}, std::move(level.prefixes), level.truncated};
    for (const auto& blob : level.blobs) {
      if (!blob.folder_marker) folder.objects.push_back({blob.name, blob.size, blob.etag});
    }
    return folder;
  }
  Result<std::string> GetRange(const std::string& key, int64_t offset,
                               int64_t length) const override {
    return client_.GetRange(key, offset, length);
  }
  Status UploadFile(const std::filesystem::path& file, const std::string& key) const override {
    return client_.UploadFile(file, key);
  }
  Status DownloadFile(const std::string& key, const std::filesystem::path& file) const override {
    return client_.DownloadFile(key, file);
  }
  // Copy Blob: the new blob appears whole when the copy is done.
  Status Copy(const std::string& from, const std::string& to) const override {
    return client_.CopyBlob(from, to);
  }
  Status Delete(const std::string& key) const override { return client_.Delete(key); }
  Result<int64_t> DeletePrefix(const std::string& prefix) const override {
    return client_.DeletePrefix(prefix);
  }
  std::string DisplayUri(const std::string& key) const override { return client_.BlobUri(key); }

  Result<StagedFiles> Locate(const std::string& prefix, StagingFormat format,
                             bool copy_into) const override {
    StagedFiles files;
    files.copy_into_uri = client_.AbfssUri(prefix);
    const AzureCredentials& credentials = client_.settings().credentials;
    std::string sas = credentials.sas_token;
    if (copy_into && sas.empty()) {
      // Valid from a few minutes back, for clocks that differ a little.
      int64_t now = now_();
      auto signed_sas =
          ContainerSas(credentials.account, credentials.account_key, client_.settings().container,
                       "rl", UtcText(now - 300), UtcText(now + int64_t{kStagingSasHours} * 3600));
      if (!signed_sas) {
        return Status::Auth("connection '" + connection() +
                            "': cannot sign a SAS token for COPY INTO: the account key is not "
                            "base64; copy it again from the storage account's access keys");
      }
      sas = signed_sas_ = *signed_sas;
    }
    if (copy_into) files.credential = {{"AZURE_SAS_TOKEN", sas}};
    // hadoop-azure's ABFS driver (its WASB driver is gone from Hadoop 3.5). abfs://, not
    // abfss://: Spark's fs.azure.always.use.https (true by default) decides on TLS, so
    // the same URI reaches an account over https and an emulator over http.
    files.spark_uri = "abfs://" + client_.settings().container + "@" + credentials.account +
                      ".dfs.core.windows.net/" + prefix;
    files.format = format;
    return files;
  }
  std::vector<std::string> Secrets() const override {
    return {client_.settings().credentials.account_key, client_.settings().credentials.sas_token,
            signed_sas_};
  }

 private:
  AzureBlobClient client_;
  std::function<int64_t()> now_;
  mutable std::string signed_sas_;  // the SAS signed for the last COPY INTO, if any
};

}  // namespace

std::shared_ptr<const ObjectStore> MakeAzureObjectStore(AzureBlobClient client,
                                                        std::function<int64_t()> now) {
  return std::make_shared<AzureObjectStore>(std::move(client), std::move(now));
}

}  // namespace mortar::azure
