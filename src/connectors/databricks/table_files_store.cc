#include "connectors/databricks/table_files_store.h"

#include <utility>

namespace mortar::databricks {

namespace {

// After Unity Catalog refused to renew, how long the credentials in hand serve before
// it is asked again.
constexpr int64_t kRetryRenewalMs = 30'000;

int64_t MillisecondsNow(http::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.WallNow().time_since_epoch())
      .count();
}

}  // namespace

TableFilesStore::TableFilesStore(std::string table, Open open, Renew renew,
                                 std::chrono::seconds renew_before, http::Clock& clock)
    : table_(std::move(table)),
      open_(std::move(open)),
      renew_(std::move(renew)),
      renew_before_(renew_before),
      clock_(clock) {}

Result<std::shared_ptr<TableFilesStore>> TableFilesStore::Make(std::string table,
                                                               VendedCredentials credentials,
                                                               Open open, Renew renew,
                                                               std::chrono::seconds renew_before,
                                                               http::Clock& clock) {
  std::shared_ptr<TableFilesStore> store(new TableFilesStore(
      std::move(table), std::move(open), std::move(renew), renew_before, clock));
  store->location_ = credentials.storage_location;
  MORTAR_RETURN_IF_ERROR(store->Use(credentials));
  return store;
}

Status TableFilesStore::Use(const VendedCredentials& credentials) {
  if (credentials.storage_location != location_) {
    return Status::Invalid("table " + table_ + " moved from " + location_ + " to " +
                           credentials.storage_location +
                           " while it was read (replaced?): read it again");
  }
  MORTAR_ASSIGN_OR_RETURN(store_, open_(credentials));
  expires_at_ms_ = credentials.expires_at_ms;
  next_attempt_ms_ = 0;
  return Status::OK();
}

Result<std::shared_ptr<const ObjectStore>> TableFilesStore::Current() {
  std::lock_guard guard(mutex_);
  if (expires_at_ms_ == 0) return store_;
  const int64_t now = MillisecondsNow(clock_);
  if (renew_ && now >= expires_at_ms_ - renew_before_.count() && now >= next_attempt_ms_) {
    auto renewed = renew_();
    if (renewed.ok()) {
      MORTAR_RETURN_IF_ERROR(Use(*renewed));
      return store_;
    }
    if (now >= expires_at_ms_) {
      return renewed.status().WithContext("the read credentials for " + table_ +
                                          " have expired and could not be renewed");
    }
    next_attempt_ms_ = now + kRetryRenewalMs;
  }
  if (now >= expires_at_ms_) {
    return Status::Remote("the read credentials for " + table_ + " have expired");
  }
  return store_;
}

}  // namespace mortar::databricks
