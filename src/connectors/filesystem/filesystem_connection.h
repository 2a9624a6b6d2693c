// The filesystem connection: a folder on the local disk holding CSV and Parquet files.
#pragma once

#include <filesystem>

#include "mortar/connectors/registry.h"

namespace mortar::filesystem {

class FilesystemConnection final : public Connection, public FileStore {
 public:
  FilesystemConnection(config::ConnectionConfig config, std::filesystem::path root)
      : Connection(std::move(config)), root_(std::move(root)) {}

  Result<TestReport> Test() override;
  FileStore* AsFiles() override { return this; }
  Result<std::filesystem::path> LocalPath(const std::string& relative) const override;
  const std::string& connection_name() const override { return name(); }
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

std::unique_ptr<ConnectionType> MakeFilesystemConnectionType();
std::unique_ptr<DatasetType> MakeFilesDatasetType();

}  // namespace mortar::filesystem
