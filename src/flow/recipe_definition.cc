#include "mortar/flow/recipe_definition.h"

#include "mortar/core/job_log.h"

namespace mortar {

Status CheckRecipe(Context& context, const Flow& flow, const config::RecipeConfig& recipe,
                   bool replace) {
  MORTAR_RETURN_IF_ERROR(config::ValidateName("recipe", recipe.name));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  if (!recipe.params.is_object())
    return Status::Invalid("the recipe's params must be a JSON object ({...})");
  for (const auto& dataset : recipe.inputs)
    MORTAR_RETURN_IF_ERROR(project->LoadDataset(dataset).status());
  for (const auto& dataset : recipe.outputs)
    MORTAR_RETURN_IF_ERROR(project->LoadDataset(dataset).status());
  MORTAR_ASSIGN_OR_RETURN(const RecipeType* type, context.registry().FindRecipeType(recipe.type));
  MORTAR_RETURN_IF_ERROR(type->Validate(recipe));
  if (flow.recipes().count(recipe.name) > 0 && !replace) {
    return Status::Conflict("a recipe named '" + recipe.name +
                            "' exists; choose another name, or replace it");
  }
  std::vector<config::RecipeConfig> changed;
  for (const auto& [other, config] : flow.recipes()) {
    if (other != recipe.name) changed.push_back(config);
  }
  changed.push_back(recipe);
  return Flow::Make(std::move(changed)).status();
}

Status DefineRecipe(Context& context, const config::RecipeConfig& recipe, bool replace) {
  MORTAR_RETURN_IF_ERROR(context.RequireProjectRole(security::ProjectRole::kWrite));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
  MORTAR_RETURN_IF_ERROR(CheckRecipe(context, flow, recipe, replace));
  return project->SaveRecipe(recipe);
}

Result<RecipeExplanation> ExplainRecipe(Context& context, const config::RecipeConfig& recipe) {
  JobLog quiet;
  RecipeRun run{recipe, {}, {}, quiet};
  MORTAR_RETURN_IF_ERROR(PrepareRecipeRun(context, run));
  MORTAR_ASSIGN_OR_RETURN(EngineChoice choice, ChooseEngine(context.registry(), run));
  MORTAR_ASSIGN_OR_RETURN(std::string sql, choice.engine->Explain(run));
  return RecipeExplanation{std::string(choice.engine->name()), sql, choice.why};
}

}  // namespace mortar
