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

struct VendedTable {
  std::string table_id;
  std::string storage_location;  // s3://bucket/path (the credentials' URL)
  std::string access_key_id;
  std::string secret_access_key;  // a secret
  std::string session_token;      // a secret
  int64_t expires_at_ms = 0;
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

}  // namespace mortar::databricks
