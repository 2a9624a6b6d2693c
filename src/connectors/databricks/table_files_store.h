// The store of a table's files, read with the credentials Unity Catalog vended for it.
// They expire (after an hour on Databricks): a read that outlasts them asks for new ones
// `renew_before` their expiry, as AWS's SDKs refresh session credentials, and goes on
// with a store opened with those. Internal to the connector.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "connectors/databricks/unity_catalog_api.h"
#include "connectors/object_store.h"
#include "mortar/http/clock.h"

namespace mortar::databricks {

class TableFilesStore {
 public:
  using Open = std::function<Result<std::shared_ptr<const ObjectStore>>(const VendedCredentials&)>;
  using Renew = std::function<Result<VendedCredentials>()>;

  // `table` names the table in messages; `clock` must outlive the store.
  static Result<std::shared_ptr<TableFilesStore>> Make(std::string table,
                                                       VendedCredentials credentials, Open open,
                                                       Renew renew,
                                                       std::chrono::seconds renew_before,
                                                       http::Clock& clock);

  // The store to read with now. Thread-safe (Parquet reads on Arrow's I/O threads); a
  // renewal holds the other readers until it is done. If Unity Catalog does not renew
  // them, the credentials in hand serve until they expire (asked again every half
  // minute); after that the read fails, saying so.
  Result<std::shared_ptr<const ObjectStore>> Current();

  // The credentials' URL, s3://bucket/path.
  const std::string& location() const { return location_; }

 private:
  TableFilesStore(std::string table, Open open, Renew renew, std::chrono::seconds renew_before,
                  http::Clock& clock);
  Status Use(const VendedCredentials& credentials);

  const std::string table_;
  const Open open_;
  const Renew renew_;
  const std::chrono::milliseconds renew_before_;
  http::Clock& clock_;
  std::mutex mutex_;
  std::string location_;
  std::shared_ptr<const ObjectStore> store_;
  int64_t expires_at_ms_ = 0;    // 0: not said, never renewed
  int64_t next_attempt_ms_ = 0;  // after a refused renewal
};

}  // namespace mortar::databricks
