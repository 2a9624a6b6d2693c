// The connection string attributes a user-provided ODBC driver gets: the Databricks
// (Simba Spark) ODBC driver's keys, from the connection's params, with the admin's
// driver.options over them. Internal to the connector. Stateless.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "connectors/databricks/connection_settings.h"

namespace mortar::databricks {

using OdbcAttributes = std::vector<std::pair<std::string, std::string>>;

// Why a driver.options key or value cannot go into the connection string, or "" when it
// can. Keys are plain names (letters, digits, '_', '.', '-'): a ';' or '=' in a key would
// add attributes of its own. Driver, DSN, FILEDSN and SAVEFILE would load another
// library or write a file, and PWD is the token's: none may be set through options.
std::string OdbcOptionProblem(const std::string& key, const std::string& value);

// Host, Port, HTTPPath, SSL, ThriftTransport, AuthMech, UID, the catalog, schema and CA
// file when set, and SSP_timezone=UTC (sessions in UTC, as the built-in driver opens
// them); then driver.options: a key Mortar sets (compared without case, as ODBC does)
// is replaced where it stands, an empty value removes it, any other key is added.
OdbcAttributes OdbcConnectionAttributes(const ConnectionSettings& settings);

}  // namespace mortar::databricks
