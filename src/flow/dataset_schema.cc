#include "mortar/flow/dataset_schema.h"

namespace mortar {

Result<Schema> DetectDatasetSchema(Context& context, const std::string& dataset) {
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig bare, project->LoadDataset(dataset));
  bare.schema.reset();
  MORTAR_ASSIGN_OR_RETURN(auto fresh, context.MakeDataset(bare));
  return fresh->DetectSchema();
}

Status RecordDatasetSchema(Context& context, const std::string& dataset, const Schema& schema) {
  MORTAR_RETURN_IF_ERROR(context.RequireProjectRole(security::ProjectRole::kWrite));
  if (schema.size() == 0) return Status::Invalid("a schema needs at least one column");
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig config, project->LoadDataset(dataset));
  config.schema = schema;
  MORTAR_RETURN_IF_ERROR(context.MakeDataset(config).status());  // it still opens
  return project->SaveDataset(config);
}

}  // namespace mortar
