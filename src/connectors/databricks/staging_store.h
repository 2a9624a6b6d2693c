// Where fast-write stages its files: a prefix of an S3 bucket, of an Azure Blob
// container, or of a Unity Catalog volume. The fast writer only uploads, locates and
// deletes through this interface, so each store is one small class (and a test can use
// an in-memory one). Implementations are thread-safe: uploads run in parallel.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/azure/azure_client.h"
#include "connectors/databricks/copy_into.h"
#include "connectors/s3/s3_client.h"
#include "mortar/core/result.h"
#include "mortar/core/wall_time.h"

namespace mortar::databricks {

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

std::unique_ptr<StagingStore> MakeS3StagingStore(s3::S3Client client);
// COPY INTO gets a SAS token: the connection's own, or for a connection with only an
// account key, one Mortar signs with it for the container, read and list only, valid
// for kStagingSasHours from `now()` (Unix seconds).
inline constexpr int kStagingSasHours = 12;
std::unique_ptr<StagingStore> MakeAzureStagingStore(
    azure::AzureBlobClient client, std::function<int64_t()> now = [] { return UnixSeconds(); });

}  // namespace mortar::databricks
