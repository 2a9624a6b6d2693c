#include "connectors/databricks/staging_store.h"

namespace mortar::databricks {

namespace {

class S3StagingStore final : public StagingStore {
 public:
  explicit S3StagingStore(s3::S3Client client) : client_(std::move(client)) {}

  std::string name() const override { return client_.settings().connection; }
  std::string DisplayUri(const std::string& prefix) const override { return client_.S3Uri(prefix); }
  Status Upload(const std::filesystem::path& file, const std::string& key) const override {
    return client_.UploadFile(file, key);
  }
  Result<int64_t> DeletePrefix(const std::string& prefix) const override {
    return client_.DeletePrefix(prefix);
  }
  Result<StagedFiles> Locate(const std::string& prefix, StagingFormat format,
                             bool /*copy_into*/) const override {
    const s3::AwsCredentials& credentials = client_.settings().credentials;
    StagedFiles files;
    files.copy_into_uri = client_.S3Uri(prefix);
    files.credential = {{"AWS_ACCESS_KEY", credentials.access_key_id},
                        {"AWS_SECRET_KEY", credentials.secret_access_key}};
    if (!credentials.session_token.empty())
      files.credential.push_back({"AWS_SESSION_TOKEN", credentials.session_token});
    files.spark_uri = "s3a://" + client_.settings().bucket + "/" + prefix;
    files.format = format;
    return files;
  }
  std::vector<std::string> Secrets() const override {
    return {client_.settings().credentials.secret_access_key,
            client_.settings().credentials.session_token};
  }

 private:
  s3::S3Client client_;
};

class AzureStagingStore final : public StagingStore {
 public:
  AzureStagingStore(azure::AzureBlobClient client, std::function<int64_t()> now)
      : client_(std::move(client)), now_(std::move(now)) {}

  std::string name() const override { return client_.settings().connection; }
  std::string DisplayUri(const std::string& prefix) const override {
    return client_.BlobUri(prefix);
  }
  Status Upload(const std::filesystem::path& file, const std::string& key) const override {
    return client_.UploadFile(file, key);
  }
  Result<int64_t> DeletePrefix(const std::string& prefix) const override {
    return client_.DeletePrefix(prefix);
  }
  Result<StagedFiles> Locate(const std::string& prefix, StagingFormat format,
                             bool copy_into) const override {
    StagedFiles files;
    files.copy_into_uri = client_.AbfssUri(prefix);
    const azure::AzureCredentials& credentials = client_.settings().credentials;
    std::string sas = credentials.sas_token;
    if (copy_into && sas.empty()) {
      // Valid from a few minutes back, for clocks that differ a little.
      int64_t now = now_();
      auto signed_sas = azure::ContainerSas(credentials.account, credentials.account_key,
                                            client_.settings().container, "rl", UtcText(now - 300),
                                            UtcText(now + int64_t{kStagingSasHours} * 3600));
      if (!signed_sas) {
        return Status::Auth("connection '" + name() +
                            "': cannot sign a SAS token for COPY INTO: the account key is not "
                            "base64; copy it again from the storage account's access keys");
      }
      sas = signed_sas_ = *signed_sas;
    }
    if (copy_into) files.credential = {{"AZURE_SAS_TOKEN", sas}};
    // hadoop-azure's ABFS driver (its WASB driver is gone from Hadoop 3.5). abfs://, not
    // abfss://: Spark's fs.azure.always.use.https (true by default) decides on TLS, so
    // the same URI reaches an account over https and an emulator over http.
    files.spark_uri = "abfs://" + client_.settings().container + "@" +
                      client_.settings().credentials.account + ".dfs.core.windows.net/" + prefix;
    files.format = format;
    return files;
  }
  std::vector<std::string> Secrets() const override {
    return {client_.settings().credentials.account_key, client_.settings().credentials.sas_token,
            signed_sas_};
  }

 private:
  azure::AzureBlobClient client_;
  std::function<int64_t()> now_;
  mutable std::string signed_sas_;  // the SAS signed for the last COPY INTO, if any
};

}  // namespace

std::unique_ptr<StagingStore> MakeS3StagingStore(s3::S3Client client) {
  return std::make_unique<S3StagingStore>(std::move(client));
}

std::unique_ptr<StagingStore> MakeAzureStagingStore(azure::AzureBlobClient client,
                                                    std::function<int64_t()> now) {
  return std::make_unique<AzureStagingStore>(std::move(client), std::move(now));
}

}  // namespace mortar::databricks
