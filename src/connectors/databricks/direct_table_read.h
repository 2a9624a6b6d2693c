// Reading a Unity Catalog table's Delta files straight from cloud storage, with the
// credentials Unity Catalog vends for it, instead of asking a warehouse to make the
// result: no warehouse time, no result files written and read again. Used only when
// the connection asks for it (params.direct_read) and everything allows it; otherwise
// the caller reads through the warehouse and says why. Internal to the connector.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "connectors/databricks/table_files_store.h"
#include "connectors/databricks/unity_catalog_api.h"
#include "mortar/core/batch.h"

namespace mortar::databricks {

struct DirectReadOptions {
  std::string connection_name;
  std::string table_name;        // catalog.schema.table, for messages
  std::string storage_endpoint;  // empty: AWS's endpoint for the region
  std::string region;
  std::string ca_file;
  std::string azure_endpoint;  // empty: https://{account}.blob.core.windows.net
  int row_groups_ahead = 1;    // row groups held at once: one decoding, the rest fetched ahead
  // New credentials, asked for this long before the read's expire.
  std::chrono::seconds renew_before{300};
  TableFilesStore::Renew renew;
};

// What a direct read found: a reader, or why the table must go through the warehouse.
struct DirectRead {
  std::unique_ptr<BatchReader> reader;
  std::string fallback_reason;  // set when reader is null
};

// Opens the latest snapshot of the vended table's Delta log and reads its data files
// as `schema` (the dataset's columns, in its order). Errors reading the log or the
// first file are reasons to fall back; once rows flow, an error is the read's.
Result<DirectRead> OpenDirectRead(const VendedTable& table, const Schema& schema,
                                  const DirectReadOptions& options);

}  // namespace mortar::databricks
