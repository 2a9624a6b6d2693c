// Connection inputs users already have: a JDBC URL
// (jdbc:databricks://host:443/default;httpPath=...;AuthMech=3) and ~/.databrickscfg
// profiles. Internal to the connector. Stateless.
#pragma once

#include <map>
#include <string>

#include "mortar/config/document.h"

namespace mortar::databricks {

// Connection params (host, port, http_path, catalog, schema) from a JDBC URL. A token
// in the URL (PWD=...) is refused: Mortar does not store secrets in connection files.
Result<config::Json> ParamsFromJdbcUrl(const std::string& url);

// One profile of a Databricks config file (host, token, client_id...).
Result<std::map<std::string, std::string>> ReadConfigProfile(const std::string& path,
                                                             const std::string& profile);
// $DATABRICKS_CONFIG_FILE, else ~/.databrickscfg.
std::string DefaultConfigFile();

}  // namespace mortar::databricks
