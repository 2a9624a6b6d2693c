// A small Azure Blob Storage client over Mortar's HTTP transport, authorized with the
// account's Shared Key or a SAS token: block blobs (one Put Blob for small files, Put
// Block in parallel then Put Block List for large ones), list by prefix, get, delete.
// Works against Azure and Azurite (path-style endpoints). Thread-safe: each call takes a
// transport of its own from a pool shared by the client's copies, so calls reuse open
// connections.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "connectors/azure/shared_key.h"
#include "mortar/core/result.h"
#include "mortar/http/message.h"
#include "mortar/http/retry.h"
#include "mortar/http/transport_pool.h"

namespace mortar::azure {

struct AzureSettings {
  std::string connection;  // for messages
  std::string endpoint;    // https://<account>.blob.core.windows.net, or http://host:port/<account>
  std::string container;
  std::string ca_file;
  AzureCredentials credentials;
  // The SAS came from a service for one table (Unity Catalog), not from the connection:
  // an error says so rather than how to store another.
  bool sas_vended = false;
  int64_t block_bytes = 8 << 20;  // larger files go up as blocks of this size
  int parallel_blocks = 4;
  // How long a request is retried while the server is unreachable or throttles.
  std::chrono::seconds retry_budget = http::kObjectStoreRetryBudget;
};

struct BlobInfo {
  std::string name;
  int64_t size = 0;
  std::string etag;
  // A zero-byte blob that Hadoop's Azure drivers write to stand for a folder (metadata
  // hdi_isfolder=true): not a file of a dataset.
  bool folder_marker = false;
};

class AzureBlobClient {
 public:
  explicit AzureBlobClient(AzureSettings settings);
  const AzureSettings& settings() const { return settings_; }

  // Uploads a local file as a block blob: one Put Blob when it fits in a block, else
  // blocks sent in parallel (memory: parallel_blocks x block_bytes) and committed with
  // Put Block List. A failed block upload leaves no blob and no uncommitted blocks.
  Status UploadFile(const std::filesystem::path& file, const std::string& name) const;
  Status PutBlob(const std::string& name, std::string body) const;
  Result<std::string> GetBlob(const std::string& name) const;
  // `length` bytes of the blob from `offset` (one ranged Get Blob).
  Result<std::string> GetRange(const std::string& name, int64_t offset, int64_t length) const;
  // Writes the blob into a local file, block_bytes a request (bounded memory).
  Status DownloadFile(const std::string& name, const std::filesystem::path& file) const;
  // Blobs under the prefix (all pages), with their sizes, ETags and folder markers.
  Result<std::vector<BlobInfo>> ListBlobs(const std::string& prefix) const;
  // One level under the prefix ('/' as the delimiter): the blobs there and the prefixes
  // of the folders below it (BlobPrefix), pages read until `limit` entries.
  struct Level {
    std::vector<BlobInfo> blobs;
    std::vector<std::string> prefixes;
    bool truncated = false;
  };
  Result<Level> ListLevel(const std::string& prefix, std::size_t limit) const;
  // Blob names under the prefix.
  Result<std::vector<std::string>> List(const std::string& prefix) const;
  Status Delete(const std::string& name) const;
  // Copies a blob of the container to another name inside the service (Copy Blob): no
  // byte passes through Mortar. Waits until the copy is done.
  Status CopyBlob(const std::string& from, const std::string& to) const;
  // Deletes every blob under the prefix; returns how many, folder markers not counted. A
  // prefix ending in '/' is a folder: its own marker (named without the '/') goes too.
  Result<int64_t> DeletePrefix(const std::string& prefix) const;
  // Checks that the container exists and the credentials work.
  Status CheckContainer() const;

  // https://<account>.blob.core.windows.net/<container>/<name>, for messages (no SAS).
  std::string BlobUri(const std::string& name) const;
  // abfss://<container>@<account>.dfs.core.windows.net/<name>, the form Databricks reads.
  std::string AbfssUri(const std::string& name) const;

 private:
  std::string Url(const std::string& name, const std::string& query) const;
  // Listing pages under the prefix, delimited by '/' or not, until `limit` entries.
  Result<Level> Pages(const std::string& prefix, bool delimited, std::size_t limit) const;
  // The response of a request that succeeded (2xx), or a clear error.
  Result<http::Response> Call(const std::string& method, const std::string& url, std::string body,
                              const std::string& what, std::vector<http::Header> headers = {},
                              std::size_t max_response_bytes = http::kMaxControlReplyBytes) const;
  // Call's body.
  Result<std::string> Send(const std::string& method, const std::string& url, std::string body,
                           const std::string& what, std::vector<http::Header> headers = {},
                           std::size_t max_response_bytes = http::kMaxControlReplyBytes) const;
  Status PutBlocks(const std::filesystem::path& file, const std::string& name, int64_t size) const;

  AzureSettings settings_;
  std::shared_ptr<http::TransportPool> transports_;
};

// A SAS token as a query string: without a leading '?' or the spaces and line ends a
// pasted or stored token may carry.
std::string TrimSasToken(std::string sas_token);

// The expiry ("se=") of a SAS token, "" when it has none.
std::string SasExpiry(const std::string& sas_token);

}  // namespace mortar::azure
