// Browsing a connection: the catalogs, schemas, tables and columns a SQL connection
// holds, or the folders and files of a files connection, as the JSON the CLI (`mortar
// connection catalogs|schemas|tables|columns|files`), the REST API
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

// What the folder `path` of a files connection (file, S3, Azure) holds, for
// `mortar connection files` and `GET /api/connections/<name>/files?path=`:
// {"connection", "path", "folders": [path...], "files": [{"path", "size"}], "truncated"}.
Result<config::Json> BrowseFolder(Connection& connection, const std::string& path);

}  // namespace mortar
