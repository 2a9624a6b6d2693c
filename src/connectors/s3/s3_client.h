// A small S3 client over Mortar's HTTP transport, signed with Signature V4: put,
// multipart upload with parts sent in parallel, list, delete. Works against AWS and
// S3-compatible servers (path-style addressing). Thread-safe: each call takes a
// transport of its own from a pool shared by the client's copies, so calls reuse
// open connections.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "connectors/s3/sigv4.h"
#include "mortar/core/result.h"
#include "mortar/http/retry.h"
#include "mortar/http/transport_pool.h"

namespace mortar::s3 {

struct S3Settings {
  std::string connection;  // for messages
  std::string endpoint;    // https://s3.<region>.amazonaws.com, or a compatible server
  std::string region = "us-east-1";
  std::string bucket;
  bool path_style = false;
  std::string ca_file;
  AwsCredentials credentials;
  int64_t part_bytes = 16 << 20;  // multipart part size (S3's minimum is 5 MiB)
  int parallel_parts = 4;
  // How long a request is retried while the server is unreachable or throttles.
  std::chrono::seconds retry_budget = http::kObjectStoreRetryBudget;
};

// Why `bucket` cannot be a bucket's name, or "": it goes into the host name (or the
// path), so only the characters bucket names have are taken (letters, digits, '.', '-',
// and '_' as old buckets and S3-compatible servers allow), at most 255 of them.
std::string S3BucketProblem(const std::string& bucket);

// One object of a listing.
struct ObjectInfo {
  std::string key;
  int64_t size = 0;
  std::string etag;
};

class S3Client {
 public:
  explicit S3Client(S3Settings settings);
  const S3Settings& settings() const { return settings_; }

  // Uploads a local file: one PUT when it fits in a part, else a multipart upload whose
  // parts go up in parallel (memory: parallel_parts x part_bytes). A failed multipart
  // upload is aborted, so no parts are left on the server.
  Status UploadFile(const std::filesystem::path& file, const std::string& key) const;
  Status PutObject(const std::string& key, std::string body) const;
  // Keys under the prefix (all pages).
  Result<std::vector<std::string>> List(const std::string& prefix) const;
  // Keys under the prefix with their sizes and ETags (all pages); with `start_after`, only
  // the keys that sort after it (S3 starts the listing there).
  Result<std::vector<ObjectInfo>> ListObjects(const std::string& prefix,
                                              const std::string& start_after = "") const;
  // One level under the prefix ('/' as the delimiter): the objects there and the
  // prefixes of the folders below it, pages read until `limit` entries.
  struct Level {
    std::vector<ObjectInfo> objects;
    std::vector<std::string> prefixes;
    bool truncated = false;
  };
  Result<Level> ListLevel(const std::string& prefix, std::size_t limit) const;
  // The first keys under the prefix, with their sizes and ETags (no delimiter): pages
  // read until `limit` entries (one page when `limit` is S3's 1,000); truncated when more
  // may follow.
  Result<Level> ListFirst(const std::string& prefix, std::size_t limit) const;
  // Bytes [offset, offset + length) of an object (a ranged GET).
  Result<std::string> GetRange(const std::string& key, int64_t offset, int64_t length) const;
  // Writes an object into a local file with ranged GETs of part_bytes (bounded memory).
  Status DownloadFile(const std::string& key, const std::filesystem::path& file) const;
  // A server-side copy; the target appears whole or not at all (objects up to 5 GiB).
  Status CopyObject(const std::string& from_key, const std::string& to_key) const;
  Status Delete(const std::string& key) const;
  // Deletes every object under the prefix; returns how many.
  Result<int64_t> DeletePrefix(const std::string& prefix) const;
  // Checks that the bucket exists and the credentials work.
  Status CheckBucket() const;

  // s3://bucket/key, the form COPY INTO wants.
  std::string S3Uri(const std::string& key) const { return "s3://" + settings_.bucket + "/" + key; }

 private:
  std::string ObjectUrl(const std::string& key, const std::string& query = "") const;
  // Listing pages under the prefix, delimited by '/' or not, until `limit` entries.
  Result<Level> Pages(const std::string& prefix, bool delimited, std::size_t limit,
                      const std::string& start_after = "") const;
  Result<std::string> Send(const std::string& method, const std::string& url, std::string body,
                           const std::string& what, std::vector<http::Header> headers = {},
                           std::string* etag = nullptr,
                           std::size_t max_response_bytes = http::kMaxControlReplyBytes) const;
  Status Multipart(const std::filesystem::path& file, const std::string& key, int64_t size) const;
  // After a completion answered NoSuchUpload (`failure`): OK when the object at `key`
  // is the one these parts make, else `failure` saying the upload did not land.
  Status CompletedEarlier(const std::string& key, const std::vector<std::string>& etags,
                          const Status& failure) const;

  S3Settings settings_;
  std::shared_ptr<http::TransportPool> transports_;
};

}  // namespace mortar::s3
