// The filesystem connection: a folder on the local disk holding CSV and Parquet files.
#pragma once

#include <filesystem>

#include "mortar/connectors/connection_type.h"

namespace mortar::filesystem {

class FilesystemConnection final : public Connection, public FileStore {
 public:
  FilesystemConnection(config::ConnectionConfig config, std::filesystem::path root)
      : Connection(std::move(config)), root_(std::move(root)) {}

  Result<TestReport> Test() override;
  FileStore* AsFiles() override { return this; }
  const std::string& connection_name() const override { return name(); }
  const std::filesystem::path& root() const { return root_; }

  // The absolute local path of a relative path, refused when it leaves the root.
  Result<std::filesystem::path> LocalPath(const std::string& relative) const;

  Status CheckPath(const std::string& path) const override { return LocalPath(path).status(); }
  Result<std::vector<StoredFile>> ListFiles(const std::string& path) const override;
  Result<FolderListing> ListFolder(const std::string& path) const override;
  Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenFile(
      const StoredFile& file) const override;
  Result<std::unique_ptr<FileReplacement>> ReplaceFile(const std::string& path,
                                                       bool keep_content) override;
  Status RemoveFile(const std::string& path) override;
  Status CopyFile(const std::string& from, const std::string& to) override;
  Status RemoveFolder(const std::string& path) override;

 private:
  std::filesystem::path root_;
};

std::unique_ptr<ConnectionType> MakeFilesystemConnectionType();
std::unique_ptr<DatasetType> MakeFilesDatasetType();

}  // namespace mortar::filesystem
