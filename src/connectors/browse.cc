#include "mortar/connectors/browse.h"

namespace mortar {

Result<BrowseLevel> ParseBrowseLevel(const std::string& word) {
  if (word == "catalogs") return BrowseLevel::kCatalogs;
  if (word == "schemas") return BrowseLevel::kSchemas;
  if (word == "tables") return BrowseLevel::kTables;
  if (word == "columns") return BrowseLevel::kColumns;
  return Status::Invalid("cannot browse '" + word + "': use catalogs, schemas, tables or columns");
}

Result<config::Json> Browse(SqlConnection& sql, BrowseLevel level, const sql::TableName& where) {
  config::Json list = config::Json::array();
  switch (level) {
    case BrowseLevel::kCatalogs: {
      MORTAR_ASSIGN_OR_RETURN(auto catalogs, sql.ListCatalogs());
      for (const auto& catalog : catalogs) list.push_back({{"catalog", catalog}});
      return list;
    }
    case BrowseLevel::kSchemas: {
      MORTAR_ASSIGN_OR_RETURN(auto schemas, sql.ListSchemas(where.catalog));
      for (const auto& schema : schemas)
        list.push_back({{"catalog", schema.catalog}, {"schema", schema.schema}});
      return list;
    }
    case BrowseLevel::kTables: {
      MORTAR_ASSIGN_OR_RETURN(auto tables, sql.ListTables(where.catalog, where.schema));
      for (const auto& table : tables) {
        list.push_back(
            {{"catalog", table.catalog}, {"schema", table.schema}, {"table", table.table}});
      }
      return list;
    }
    case BrowseLevel::kColumns: {
      if (where.table.empty()) return Status::Invalid("columns of which table? give its name");
      MORTAR_ASSIGN_OR_RETURN(auto columns, sql.DescribeTable(where));
      if (!columns) {
        return Status::NotFound("connection '" + sql.connection_name() + "': no table named " +
                                where.ToString());
      }
      return config::SchemaToJson(*columns);
    }
  }
  return Status::Internal("unknown browse level");
}

Result<config::Json> BrowseFolder(Connection& connection, const std::string& path) {
  FileStore* files = connection.AsFiles();
  if (files == nullptr) {
    return Status::Invalid("connection '" + connection.name() + "' has no folders: it is of type " +
                           connection.type() +
                           " (browse its tables with catalogs, schemas and tables)");
  }
  MORTAR_ASSIGN_OR_RETURN(FolderListing listing, files->ListFolder(path));
  config::Json json = {{"connection", connection.name()},
                       {"path", path},
                       {"folders", listing.folders},
                       {"files", config::Json::array()},
                       {"truncated", listing.truncated}};
  for (const auto& file : listing.files)
    json["files"].push_back({{"path", file.path}, {"size", file.size}});
  return json;
}

}  // namespace mortar
