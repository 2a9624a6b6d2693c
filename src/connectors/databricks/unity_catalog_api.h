// Unity Catalog's REST API as direct reads use it: a table's id and storage location
// (tables.get), then credentials that read that location (temporary table credentials,
// operation READ). Unity Catalog decides: it vends them only to a caller with EXTERNAL
// USE SCHEMA on the table's schema, on a metastore that allows external access, for a
// table without row filters or column masks. Internal to the connector.
#pragma once

#include <cstdint>
#include <string>

#include "mortar/auth/token_source.h"
#include "mortar/http/transport.h"

namespace mortar::databricks {

// Credentials that read one table's files, until they expire: AWS session keys for a
// table on S3, a SAS token for one on Azure Data Lake Storage.
struct VendedCredentials {
  std::string storage_location;  // s3://bucket/path or abfss://container@account.dfs.../path
  std::string access_key_id;
  std::string secret_access_key;  // a secret
  std::string session_token;      // a secret
  std::string azure_sas_token;    // a secret
  int64_t expires_at_ms = 0;      // 0: not said
};

struct VendedTable {
  std::string table_id;
  VendedCredentials credentials;
};

struct UnityCatalogApi {
  std::string connection_name;
  std::string workspace_url;  // https://host:port
  http::Transport* http = nullptr;
  auth::TokenSource* tokens = nullptr;
};

// The table's storage and read credentials for it; an error says what Unity Catalog
// answered (no grant, not a Delta table, external access off, ...).
Result<VendedTable> VendTableForRead(const UnityCatalogApi& api, const std::string& full_name);

// New read credentials for the table of that id (`full_name` is for messages): asked
// again before the first ones expire, for a read that outlasts them.
Result<VendedCredentials> VendTableCredentials(const UnityCatalogApi& api,
                                               const std::string& table_id,
                                               const std::string& full_name);

}  // namespace mortar::databricks
