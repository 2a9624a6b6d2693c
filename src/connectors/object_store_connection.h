// What the S3 and Azure Blob connections share: files datasets on an ObjectStore
// (listed, read with ranged requests, replaced by a whole upload on commit), the
// connection test, and the store itself for a database's bulk loads
// (Connection::AsObjectStore). A connection type supplies how its store is opened
// with its secrets, and how a database names its files.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/object_store.h"
#include "mortar/connectors/connection.h"

namespace mortar {

class ObjectStoreConnection : public Connection, public FileStore {
 public:
  explicit ObjectStoreConnection(config::ConnectionConfig config) : Connection(std::move(config)) {}

  // The store, opened once with its secrets (from the vault or the environment).
  Result<std::shared_ptr<const ObjectStore>> Store() const;

  Result<TestReport> Test() override;
  Result<CredentialState> Credentials() override;
  FileStore* AsFiles() override { return this; }
  ObjectStoreConnection* AsObjectStore() override { return this; }

  const std::string& connection_name() const override { return name(); }
  Status CheckPath(const std::string& path) const override;
  Result<std::vector<StoredFile>> ListFiles(const std::string& path) const override;
  Result<FolderListing> ListFolder(const std::string& path) const override;
  Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenFile(
      const StoredFile& file) const override;
  Result<std::unique_ptr<FileReplacement>> ReplaceFile(const std::string& path,
                                                       bool keep_content) override;
  Status RemoveFile(const std::string& path) override;
  Status CopyFile(const std::string& from, const std::string& to) override;
  Status RemoveFolder(const std::string& path) override;

 protected:
  // "S3 access key", ...: how the connection authenticates, for the credentials page.
  virtual std::string credential_method() const = 0;
  virtual Result<std::shared_ptr<const ObjectStore>> OpenStore() const = 0;

 private:
  mutable std::shared_ptr<const ObjectStore> store_;
};

}  // namespace mortar
