// One registration line per plug-in.
#include "mortar/builtin/builtin_registry.h"

#include "connectors/azure/azure_connection.h"
#include "connectors/azure/vended_azure_store.h"
#include "connectors/databricks/databricks_connection.h"
#include "connectors/filesystem/filesystem_connection.h"
#include "connectors/s3/s3_connection.h"
#include "connectors/s3/vended_s3_store.h"
#include "connectors/sql/sql_datasets.h"
#include "connectors/sqlite/sqlite_connection.h"
#include "mortar/server/local_api.h"
#include "recipes/builtin_recipes.h"
#include "recipes/visual_recipe.h"

namespace mortar {

namespace {

// A Python recipe's process reaches its datasets through a data API of its own, served
// by this process for the length of the run.
Result<std::unique_ptr<RecipeDataApi>> StartLocalDataApi(
    const RecipeHost& host, std::function<void(const std::string&)> log) {
  MORTAR_ASSIGN_OR_RETURN(
      auto api, server::LocalDataApi::Start(host.home(), host.shared_registry(), std::move(log)));
  return std::unique_ptr<RecipeDataApi>(std::move(api));
}

}  // namespace

std::shared_ptr<const Registry> BuiltinRegistry() {
  auto registry = std::make_shared<Registry>();
  registry->AddConnectionType(filesystem::MakeFilesystemConnectionType());
  registry->AddConnectionType(sqlite::MakeSqliteConnectionType());
  registry->AddConnectionType(databricks::MakeDatabricksConnectionType());
  registry->AddConnectionType(s3::MakeS3ConnectionType());
  SetVendedStoreOpener("s3", s3::OpenVendedS3Store);
  SetVendedStoreOpener("abfss", azure::OpenVendedAzureStore);
  registry->AddConnectionType(azure::MakeAzureBlobConnectionType());
  registry->AddDatasetType(filesystem::MakeFilesDatasetType());
  registry->AddDatasetType(sqldata::MakeSqlTableDatasetType());
  registry->AddDatasetType(sqldata::MakeSqlQueryDatasetType());
  recipes::RegisterSyncRecipe(*registry);
  recipes::RegisterSqlRecipe(*registry);
  recipes::RegisterVisualRecipes(*registry);
  recipes::RegisterPythonRecipe(*registry, StartLocalDataApi);
  return registry;
}

}  // namespace mortar
