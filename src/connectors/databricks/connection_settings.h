// A Databricks connection's params, checked: the workspace, the warehouse's HTTP path,
// defaults for names, authentication, fast-write, Databricks Connect and the driver.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "connectors/databricks/credentials.h"
#include "connectors/databricks/fast_write.h"
#include "mortar/config/home.h"

namespace mortar::databricks {

struct ConnectionSettings {
  std::string host;
  int64_t port = 443;
  std::string http_path;
  std::string catalog;
  std::string schema;
  std::string ca_file;
  int64_t query_timeout_seconds = 0;
  int64_t cloudfetch_downloads = 3;  // CloudFetch files downloaded at once
  // transport "rest": the Statement Execution API on the warehouse (id from http_path)
  // instead of Thrift.
  bool rest = false;
  std::string warehouse_id;
  // For Databricks Connect: a Spark Connect URL (sc://host:port, e.g. the stand-in's),
  // or the cluster to attach to, or serverless compute.
  std::string connect_url;
  std::string cluster_id;
  bool serverless = false;
  AuthSettings auth;
  FastWriteSettings fast_write;
  // direct_read: whole-table reads of Unity Catalog tables from their Delta files on S3
  // or Azure, with the credentials Unity Catalog vends (off unless the object is there).
  struct DirectRead {
    bool enabled = false;
    std::string storage_endpoint;  // empty: AWS's endpoint for the region
    std::string region = "us-east-1";
    std::string azure_endpoint;          // empty: https://{account}.blob.core.windows.net
    std::string ca_file;                 // for a storage endpoint of private CA
    int64_t row_groups_ahead = 1;        // row groups held at once (fetched ahead: more memory)
    int64_t renew_before_seconds = 300;  // new credentials this long before they expire
  } direct_read;
  // driver.mode user_provided: the ODBC driver's absolute path, and extra attributes.
  std::string driver_path;
  std::vector<std::pair<std::string, std::string>> driver_options;
};

// Reads and checks params: every error names the field. The host may carry a scheme
// and a port ("https://host:8443"); auth "profile" and "environment" fill the host
// from ~/.databrickscfg or DATABRICKS_HOST.
Result<ConnectionSettings> ParseConnectionSettings(const config::ConnectionConfig& config,
                                                   const config::Home& home);

}  // namespace mortar::databricks
