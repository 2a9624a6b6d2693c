// The "user-provided" driver mode: an ODBC driver an admin put into
// <home>/lib/drivers/databricks, loaded through the unixODBC driver manager (the way
// the Databricks ODBC driver is used), behind the same Backend as the built-in driver.
// Internal to the connector. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "connectors/databricks/backend.h"
#include "mortar/auth/token_source.h"

namespace mortar::databricks {

struct OdbcBackendOptions {
  std::string connection_name;
  std::string driver_path;  // absolute path of the driver's shared library
  // Connection string attributes (Host, Port, HTTPPath...); the token is added as PWD.
  std::vector<std::pair<std::string, std::string>> attributes;
};

Result<std::unique_ptr<Backend>> OpenOdbcBackend(const OdbcBackendOptions& options,
                                                 std::unique_ptr<auth::TokenSource> tokens);

}  // namespace mortar::databricks
