// Everything Mortar ships, one registration line per plug-in.
#include "connectors/azure/azure_connection.h"
#include "connectors/databricks/databricks_connection.h"
#include "connectors/filesystem/filesystem_connection.h"
#include "connectors/s3/s3_connection.h"
#include "connectors/sql/sql_datasets.h"
#include "connectors/sqlite/sqlite_connection.h"
#include "mortar/connectors/registry.h"
#include "recipes/builtin_recipes.h"
#include "recipes/visual_recipe.h"

namespace mortar {

Registry BuiltinRegistry() {
  Registry registry;
  registry.AddConnectionType(filesystem::MakeFilesystemConnectionType());
  registry.AddConnectionType(sqlite::MakeSqliteConnectionType());
  registry.AddConnectionType(databricks::MakeDatabricksConnectionType());
  registry.AddConnectionType(s3::MakeS3ConnectionType());
  registry.AddConnectionType(azure::MakeAzureBlobConnectionType());
  registry.AddDatasetType(filesystem::MakeFilesDatasetType());
  registry.AddDatasetType(sqldata::MakeSqlTableDatasetType());
  registry.AddDatasetType(sqldata::MakeSqlQueryDatasetType());
  recipes::RegisterSyncRecipe(registry);
  recipes::RegisterSqlRecipe(registry);
  recipes::RegisterVisualRecipes(registry);
  recipes::RegisterPythonRecipe(registry);
  return registry;
}

}  // namespace mortar
