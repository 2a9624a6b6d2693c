#include "connectors/object_store.h"

namespace mortar {

Result<std::vector<StoredFile>> ObjectStore::ListAfter(const std::string& prefix,
                                                       const std::string& start_after) const {
  MORTAR_ASSIGN_OR_RETURN(auto files, List(prefix));
  std::erase_if(files, [&](const StoredFile& file) { return file.path <= start_after; });
  return files;
}

Result<ObjectPage> ObjectStore::ListFirst(const std::string& prefix, std::size_t limit) const {
  (void)limit;
  MORTAR_ASSIGN_OR_RETURN(auto files, List(prefix));
  return ObjectPage{std::move(files), false};
}

namespace {

class ObjectStagingStore final : public StagingStore {
 public:
  explicit ObjectStagingStore(std::shared_ptr<const ObjectStore> store)
      : store_(std::move(store)) {}

  std::string name() const override { return store_->connection(); }
  std::string DisplayUri(const std::string& prefix) const override {
    return store_->DisplayUri(prefix);
  }
  Status Upload(const std::filesystem::path& file, const std::string& key) const override {
    return store_->UploadFile(file, key);
  }
  Result<int64_t> DeletePrefix(const std::string& prefix) const override {
    return store_->DeletePrefix(prefix);
  }
  Result<StagedFiles> Locate(const std::string& prefix, StagingFormat format,
                             bool copy_into) const override {
    return store_->Locate(prefix, format, copy_into);
  }
  std::vector<std::string> Secrets() const override { return store_->Secrets(); }

 private:
  std::shared_ptr<const ObjectStore> store_;
};

}  // namespace

Result<std::chrono::seconds> RetrySeconds(const config::ConfigObject& params) {
  MORTAR_ASSIGN_OR_RETURN(int64_t seconds, params.IntegerOr("retry_seconds", 60));
  if (seconds < 0 || seconds > 3600)
    return params.Error("retry_seconds", "expected a number of seconds from 0 to 3600");
  return std::chrono::seconds(seconds);
}

std::unique_ptr<StagingStore> MakeStagingStore(std::shared_ptr<const ObjectStore> store) {
  return std::make_unique<ObjectStagingStore>(std::move(store));
}

}  // namespace mortar
