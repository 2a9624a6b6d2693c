// Where a database's bulk load reads staged files (fast-write, the sync engines): a
// prefix of an S3 bucket, of an Azure Blob container, or of a Unity Catalog volume.
// The writer only uploads, locates and deletes through this interface, so each store
// is one small class (and a test can use an in-memory one). Implementations are
// thread-safe: uploads run in parallel.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "mortar/core/result.h"

namespace mortar {

enum class StagingFormat { kParquet, kCsvGzip };

// Where one write's staged files are, and how a load statement reaches them.
struct StagedFiles {
  // s3://bucket/prefix/, abfss://container@account.dfs.core.windows.net/prefix/ or
  // /Volumes/catalog/schema/volume/prefix/.
  std::string copy_into_uri;
  // COPY INTO's temporary credential, e.g. {"AZURE_SAS_TOKEN", "..."}: secrets. Empty
  // when Databricks reaches the files with its own rights (Unity Catalog volumes).
  std::vector<std::pair<std::string, std::string>> credential;
  // The same folder as open-source Spark names it (s3a://...), "" when it cannot.
  std::string spark_uri;
  // The same folder as a query on Databricks reads it with the warehouse's own rights
  // (SELECT ... FROM parquet.`/Volumes/...`), "" when only COPY INTO, given the
  // credential, can: a Unity Catalog volume's path, not a cloud URI.
  std::string query_uri;
  StagingFormat format = StagingFormat::kParquet;
};

class StagingStore {
 public:
  virtual ~StagingStore() = default;
  // The connection (or volume) named in messages.
  virtual std::string name() const = 0;
  // The prefix as a URI for the job log: no secrets.
  virtual std::string DisplayUri(const std::string& prefix) const = 0;
  virtual Status Upload(const std::filesystem::path& file, const std::string& key) const = 0;
  // Removes every staged file under the prefix; returns how many.
  virtual Result<int64_t> DeletePrefix(const std::string& prefix) const = 0;
  // How the load statement reaches the prefix; fails when the store has no credential
  // that COPY INTO can use (copy_into) or that open-source Spark can name.
  virtual Result<StagedFiles> Locate(const std::string& prefix, StagingFormat format,
                                     bool copy_into) const = 0;
  // Values to scrub from any message (a server may echo the load statement).
  virtual std::vector<std::string> Secrets() const = 0;
};

}  // namespace mortar
