#include "connectors/object_store_connection.h"

#include "connectors/browsable_folder.h"
#include "connectors/cloud_file_store.h"

namespace mortar {

namespace fs = std::filesystem;

Result<std::shared_ptr<const ObjectStore>> ObjectStoreConnection::Store() const {
  if (!store_) {
    MORTAR_ASSIGN_OR_RETURN(store_, OpenStore());
  }
  return store_;
}

Result<TestReport> ObjectStoreConnection::Test() {
  MORTAR_ASSIGN_OR_RETURN(auto store, Store());
  return store->Check();
}

Result<CredentialState> ObjectStoreConnection::Credentials() {
  CredentialState state;
  state.method = credential_method();
  return state;
}

Status ObjectStoreConnection::CheckPath(const std::string& path) const {
  return CheckCloudPath(name(), path);
}

Result<std::vector<StoredFile>> ObjectStoreConnection::ListFiles(const std::string& path) const {
  MORTAR_RETURN_IF_ERROR(CheckPath(path));
  MORTAR_ASSIGN_OR_RETURN(auto store, Store());
  return FolderFiles(path, [&store](const std::string& prefix) { return store->List(prefix); });
}

Result<FolderListing> ObjectStoreConnection::ListFolder(const std::string& path) const {
  std::string prefix = path;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (!prefix.empty()) {
    MORTAR_RETURN_IF_ERROR(CheckPath(prefix));
    prefix += '/';
  }
  MORTAR_ASSIGN_OR_RETURN(auto store, Store());
  MORTAR_ASSIGN_OR_RETURN(ObjectFolder folder, store->ListFolder(prefix, kMaxFolderEntries));
  std::vector<std::string> folders;
  for (auto& name : folder.prefixes) {
    while (!name.empty() && name.back() == '/') name.pop_back();
    folders.push_back(std::move(name));
  }
  return BrowsableFolder(prefix.size(), std::move(folders), std::move(folder.objects),
                         folder.truncated);
}

Result<std::shared_ptr<arrow::io::RandomAccessFile>> ObjectStoreConnection::OpenFile(
    const StoredFile& file) const {
  MORTAR_ASSIGN_OR_RETURN(auto store, Store());
  return std::shared_ptr<arrow::io::RandomAccessFile>(std::make_shared<RangedFile>(
      [store, key = file.path](int64_t offset, int64_t length) {
        return store->GetRange(key, offset, length);
      },
      "connection '" + name() + "': " + file.path, file.size));
}

Result<std::unique_ptr<FileReplacement>> ObjectStoreConnection::ReplaceFile(const std::string& path,
                                                                            bool keep_content) {
  MORTAR_RETURN_IF_ERROR(CheckPath(path));
  MORTAR_ASSIGN_OR_RETURN(auto store, Store());
  return ReplaceByUpload(
      path, keep_content,
      [store, path](const fs::path& local) { return store->UploadFile(local, path); },
      [&store, &path](const fs::path& local) { return store->DownloadFile(path, local); });
}

Status ObjectStoreConnection::RemoveFile(const std::string& path) {
  MORTAR_RETURN_IF_ERROR(CheckPath(path));
  MORTAR_ASSIGN_OR_RETURN(auto store, Store());
  return store->Delete(path);
}

Status ObjectStoreConnection::CopyFile(const std::string& from, const std::string& to) {
  MORTAR_RETURN_IF_ERROR(CheckPath(from));
  MORTAR_RETURN_IF_ERROR(CheckPath(to));
  MORTAR_ASSIGN_OR_RETURN(auto store, Store());
  return store->Copy(from, to);
}

Status ObjectStoreConnection::RemoveFolder(const std::string& path) {
  MORTAR_RETURN_IF_ERROR(CheckPath(path));
  MORTAR_ASSIGN_OR_RETURN(auto store, Store());
  std::string prefix = path;
  if (prefix.back() != '/') prefix += '/';
  return store->DeletePrefix(prefix).status();
}

}  // namespace mortar
