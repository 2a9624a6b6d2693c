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
  explicit AzureStagingStore(azure::AzureBlobClient client) : client_(std::move(client)) {}

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
    const std::string& sas = client_.settings().credentials.sas_token;
    if (copy_into && sas.empty()) {
      return Status::Auth("connection '" + name() +
                          "': COPY INTO reads staged files from Azure with a SAS token, and this "
                          "connection has only an account key; store a SAS token with 'mortar "
                          "connection set-secret " +
                          name() + " sas_token'");
    }
    if (!sas.empty()) files.credential = {{"AZURE_SAS_TOKEN", sas}};
    // hadoop-azure's wasbs:// (the Blob endpoint; abfss:// needs a Data Lake endpoint).
    files.spark_uri = "wasbs://" + client_.settings().container + "@" +
                      client_.settings().credentials.account + ".blob.core.windows.net/" + prefix;
    files.format = format;
    return files;
  }
  std::vector<std::string> Secrets() const override {
    return {client_.settings().credentials.account_key, client_.settings().credentials.sas_token};
  }

 private:
  azure::AzureBlobClient client_;
};

}  // namespace

std::unique_ptr<StagingStore> MakeS3StagingStore(s3::S3Client client) {
  return std::make_unique<S3StagingStore>(std::move(client));
}

std::unique_ptr<StagingStore> MakeAzureStagingStore(azure::AzureBlobClient client) {
  return std::make_unique<AzureStagingStore>(std::move(client));
}

}  // namespace mortar::databricks
