// A bucket or container of cloud object storage (S3, Azure Blob) as Mortar uses it:
// the operations files datasets and staged loads need, the same for every service.
// Each service's client implements it in its own connector (s3_object_store.cc,
// azure_object_store.cc); ObjectStoreConnection builds a connection on it, and
// MakeStagingStore makes it the staging store of a database's bulk load.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "connectors/staging_store.h"
#include "mortar/config/document.h"
#include "mortar/connectors/connection.h"

namespace mortar {

// A delimited listing: the objects directly under a prefix, and its subfolders' prefixes.
struct ObjectFolder {
  std::vector<StoredFile> objects;
  std::vector<std::string> prefixes;  // each ends in '/'
  bool truncated = false;             // stopped at the limit
};

// The first objects under a prefix, in key order.
struct ObjectPage {
  std::vector<StoredFile> objects;
  bool truncated = false;  // objects may follow the last one
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // The connection, for messages.
  virtual const std::string& connection() const = 0;
  // Checks that the bucket or container exists and the credentials work; says what it
  // reached (endpoint, bucket, ...).
  virtual Result<TestReport> Check() const = 0;
  // The objects whose keys start with `prefix` (all pages), folder markers left out.
  virtual Result<std::vector<StoredFile>> List(const std::string& prefix) const = 0;
  // Those of them whose keys sort after `start_after`: a service that can start a listing
  // there (S3) reads no page before it; others list all and leave the earlier keys out.
  virtual Result<std::vector<StoredFile>> ListAfter(const std::string& prefix,
                                                    const std::string& start_after) const;
  // The first of them in key order, read in one round trip where the service lists in
  // pages (S3: its pages up to `limit` entries); others list all, never truncated.
  virtual Result<ObjectPage> ListFirst(const std::string& prefix, std::size_t limit) const;
  // The objects and the next level's prefixes (the keys' part up to the next '/', as
  // "a/b/") directly under `prefix` ("" or ending in '/'), listed with '/' as the
  // delimiter; pages are read until `limit` entries, folder markers left out.
  virtual Result<ObjectFolder> ListFolder(const std::string& prefix, std::size_t limit) const = 0;
  // `length` bytes of an object from `offset` (one ranged GET).
  virtual Result<std::string> GetRange(const std::string& key, int64_t offset,
                                       int64_t length) const = 0;
  // Uploads a local file; the object appears whole or not at all (bounded memory).
  virtual Status UploadFile(const std::filesystem::path& file, const std::string& key) const = 0;
  // Writes an object into a local file with ranged requests (bounded memory).
  virtual Status DownloadFile(const std::string& key, const std::filesystem::path& file) const = 0;
  // A copy inside the service: no byte passes through Mortar; the target appears whole.
  virtual Status Copy(const std::string& from, const std::string& to) const = 0;
  virtual Status Delete(const std::string& key) const = 0;
  // Deletes every object under the prefix; returns how many.
  virtual Result<int64_t> DeletePrefix(const std::string& prefix) const = 0;
  // The key as the service names it, for messages and the job log: no secret.
  virtual std::string DisplayUri(const std::string& key) const = 0;
  // How a database's load statement reaches the objects under `prefix` (the URIs and,
  // for COPY INTO, a temporary credential).
  virtual Result<StagedFiles> Locate(const std::string& prefix, StagingFormat format,
                                     bool copy_into) const = 0;
  // The secrets Locate may put in a statement, to scrub from any message.
  virtual std::vector<std::string> Secrets() const = 0;
};

// params.retry_seconds: how long a request to the store is retried while it is
// unreachable or throttles (0 to 3600; a minute when absent).
Result<std::chrono::seconds> RetrySeconds(const config::ConfigObject& params);

// The store as fast-write's staging store: uploads, locates and deletes through it.
std::unique_ptr<StagingStore> MakeStagingStore(std::shared_ptr<const ObjectStore> store);

}  // namespace mortar
