#include "connectors/s3/s3_object_store.h"

namespace mortar::s3 {

namespace {

StoredFile Stored(const ObjectInfo& object) {
  return {object.key, object.size, object.etag};
}

std::vector<StoredFile> StoredFiles(const std::vector<ObjectInfo>& objects) {
  std::vector<StoredFile> files;
  files.reserve(objects.size());
  for (const auto& object : objects) files.push_back(Stored(object));
  return files;
}

class S3ObjectStore final : public ObjectStore {
 public:
  explicit S3ObjectStore(S3Client client) : client_(std::move(client)) {}

  const std::string& connection() const override { return client_.settings().connection; }

  Result<TestReport> Check() const override {
    MORTAR_RETURN_IF_ERROR(client_.CheckBucket());
    return TestReport{{"endpoint", client_.settings().endpoint},
                      {"bucket", client_.settings().bucket},
                      {"region", client_.settings().region}};
  }

  Result<std::vector<StoredFile>> List(const std::string& prefix) const override {
    return ListAfter(prefix, "");
  }
  Result<std::vector<StoredFile>> ListAfter(const std::string& prefix,
                                            const std::string& start_after) const override {
    MORTAR_ASSIGN_OR_RETURN(auto objects, client_.ListObjects(prefix, start_after));
    return StoredFiles(objects);
  }
  Result<ObjectPage> ListFirst(const std::string& prefix, std::size_t limit) const override {
    MORTAR_ASSIGN_OR_RETURN(auto first, client_.ListFirst(prefix, limit));
    return ObjectPage{StoredFiles(first.objects), first.truncated};
  }
  Result<ObjectFolder> ListFolder(const std::string& prefix, std::size_t limit) const override {
    MORTAR_ASSIGN_OR_RETURN(auto level, client_.ListLevel(prefix, limit));
    ObjectFolder folder{{}, std::move(level.prefixes), level.truncated};
    for (const auto& object : level.objects) {
      // A folder marker (an empty object named as the folder) is no file.
      if (object.key.empty() || object.key.back() == '/') continue;
      folder.objects.push_back(Stored(object));
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
  Status Copy(const std::string& from, const std::string& to) const override {
    return client_.CopyObject(from, to);
  }
  Status Delete(const std::string& key) const override { return client_.Delete(key); }
  Result<int64_t> DeletePrefix(const std::string& prefix) const override {
    return client_.DeletePrefix(prefix);
  }
  std::string DisplayUri(const std::string& key) const override { return client_.S3Uri(key); }

  Result<StagedFiles> Locate(const std::string& prefix, StagingFormat format,
                             bool /*copy_into*/) const override {
    const AwsCredentials& credentials = client_.settings().credentials;
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
  S3Client client_;
};

}  // namespace

std::shared_ptr<const ObjectStore> MakeS3ObjectStore(S3Client client) {
  return std::make_shared<S3ObjectStore>(std::move(client));
}

}  // namespace mortar::s3
