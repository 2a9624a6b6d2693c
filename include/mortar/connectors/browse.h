// Browsing a SQL connection: the catalogs, schemas, tables and columns it holds, as one
// JSON list the CLI (`mortar connection catalogs|schemas|tables|columns`), the REST API
// (`GET /api/connections/<name>/<level>`) and the web page all show.
#pragma once

#include <string>

#include "mortar/config/model.h"
#include "mortar/connectors/connection.h"

namespace mortar {

enum class BrowseLevel { kCatalogs, kSchemas, kTables, kColumns };

// "catalogs", "schemas", "tables" or "columns".
Result<BrowseLevel> ParseBrowseLevel(const std::string& word);

// What `where` holds at `level`: [{"catalog"}], [{"catalog", "schema"}],
// [{"catalog", "schema", "table"}] or the table's columns [{"name", "type", "nullable"}].
// Empty parts of `where` are the connection's defaults; columns need a table.
Result<config::Json> Browse(SqlConnection& sql, BrowseLevel level, const sql::TableName& where);

}  // namespace mortar
