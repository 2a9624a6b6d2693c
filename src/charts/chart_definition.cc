#include "mortar/charts/chart_definition.h"

#include "mortar/config/home.h"
#include "mortar/config/model.h"

namespace mortar::charts {

namespace {

Result<ChartSpec> CheckedChart(Context& context, const config::Json& definition) {
  if (!definition.is_object()) return Status::Invalid("expected a chart definition ({...})");
  const config::Json& name = definition.value("name", config::Json());
  const std::string file = "chart '" + (name.is_string() ? name.get<std::string>() : "") + "'";
  MORTAR_ASSIGN_OR_RETURN(ChartSpec spec, ChartSpec::FromJson(definition, file));
  MORTAR_RETURN_IF_ERROR(config::ValidateName("chart", spec.name));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  MORTAR_RETURN_IF_ERROR(project->LoadDataset(spec.dataset).status());
  return spec;
}

}  // namespace

Result<std::pair<ChartSpec, ChartData>> PreviewChart(Context& context,
                                                     const config::Json& definition,
                                                     const std::filesystem::path& scratch_folder) {
  MORTAR_ASSIGN_OR_RETURN(ChartSpec spec, CheckedChart(context, definition));
  MORTAR_ASSIGN_OR_RETURN(ChartData data, ComputeChart(context, spec, scratch_folder));
  return std::make_pair(std::move(spec), std::move(data));
}

Result<ChartSpec> SaveChart(Context& context, const config::Json& definition, bool replace) {
  MORTAR_RETURN_IF_ERROR(context.RequireProjectRole(security::ProjectRole::kWrite));
  MORTAR_ASSIGN_OR_RETURN(ChartSpec spec, CheckedChart(context, definition));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  const std::filesystem::path file = project->dir() / "charts" / (spec.name + ".json");
  if (!replace && std::filesystem::exists(file)) {
    return Status::Conflict("a chart named '" + spec.name +
                            "' exists; choose another name, or replace it");
  }
  MORTAR_RETURN_IF_ERROR(config::WriteJsonFile(file, definition));
  return spec;
}

}  // namespace mortar::charts
