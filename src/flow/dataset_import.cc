#include "mortar/flow/dataset_import.h"

#include <algorithm>
#include <filesystem>

namespace mortar {

Result<config::Json> TableParams(const std::string& name) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto dot = name.find('.', start);
    parts.push_back(name.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (parts.size() > 3 || parts.back().empty())
    return Status::Invalid("'" + name + "' is not a table name (catalog.schema.table)");
  config::Json params = {{"table", parts.back()}};
  if (parts.size() >= 2) params["schema"] = parts[parts.size() - 2];
  if (parts.size() == 3) params["catalog"] = parts[0];
  return params;
}

Status ExpectNewDataset(const config::Project& project, const std::string& name, bool replace) {
  auto names = project.ListDatasets();
  if (names.ok() && std::find(names->begin(), names->end(), name) != names->end() && !replace) {
    return Status::Conflict("a dataset named '" + name +
                            "' exists; choose another name, or replace it");
  }
  return Status::OK();
}

namespace {

// The dataset's definition: files or a table, as the connection holds.
Result<config::DatasetConfig> Definition(Context& context, const DatasetImport& import) {
  MORTAR_RETURN_IF_ERROR(context.RequireProjectRole(security::ProjectRole::kWrite));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  if (import.source.empty()) return Status::Invalid("name the dataset's path or table");
  MORTAR_ASSIGN_OR_RETURN(Connection * connection, context.GetConnection(import.connection));
  config::DatasetConfig config;
  config.connection = import.connection;
  std::string default_name;
  if (connection->AsFiles() != nullptr) {
    config.type = "files";
    config.params = config::Json{{"path", import.source}};
    if (import.format) config.params["format"] = *import.format;
    default_name = std::filesystem::path(import.source).filename().string();
    default_name = default_name.substr(0, default_name.find('.'));
  } else {
    if (import.format) return Status::Invalid("a table has no format: leave it out");
    config.type = "sql_table";
    MORTAR_ASSIGN_OR_RETURN(config.params, TableParams(import.source));
    default_name = config.params["table"].get<std::string>();
  }
  config.name = import.name.value_or(default_name);
  config.file = "dataset '" + config.name + "'";
  MORTAR_RETURN_IF_ERROR(config::ValidateName("dataset", config.name));
  MORTAR_RETURN_IF_ERROR(ExpectNewDataset(*project, config.name, import.replace));
  return config;
}

}  // namespace

Result<config::DatasetConfig> ImportDataset(Context& context, const DatasetImport& import) {
  MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig config, Definition(context, import));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  MORTAR_ASSIGN_OR_RETURN(auto dataset, context.MakeDataset(config));
  MORTAR_ASSIGN_OR_RETURN(Schema schema, dataset->DetectSchema());
  config.schema = schema;
  MORTAR_RETURN_IF_ERROR(project->SaveDataset(config));
  context.ForgetDataset(config.name);
  return config;
}

Result<config::DatasetConfig> DefineDataset(Context& context, const DatasetImport& definition,
                                            const config::Json& extra_params) {
  if (!definition.name) return Status::Invalid("name the new dataset");
  MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig config, Definition(context, definition));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  config.params.merge_patch(extra_params);
  MORTAR_RETURN_IF_ERROR(context.MakeDataset(config).status());
  MORTAR_RETURN_IF_ERROR(project->SaveDataset(config));
  context.ForgetDataset(config.name);
  return config;
}

Result<config::DatasetConfig> RedefineDataset(Context& context, const std::string& name,
                                              const std::string& connection,
                                              const config::Json& params) {
  MORTAR_RETURN_IF_ERROR(context.RequireProjectRole(security::ProjectRole::kWrite));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig config, project->LoadDataset(name));
  if (!params.is_object()) return Status::Invalid("a dataset's params are an object");
  MORTAR_ASSIGN_OR_RETURN(Connection * target, context.GetConnection(connection));
  if (connection == config.connection && params == config.params) return config;
  config.connection = connection;
  config.params = params;
  if (target->AsFiles() != nullptr) {
    config.type = "files";
  } else if (config.type != "sql_query") {
    config.type = "sql_table";
  }
  config.schema.reset();
  MORTAR_RETURN_IF_ERROR(context.MakeDataset(config).status());
  MORTAR_RETURN_IF_ERROR(project->SaveDataset(config));
  context.ForgetDataset(config.name);
  return config;
}

}  // namespace mortar
