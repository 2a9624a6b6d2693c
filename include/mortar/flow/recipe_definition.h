// Recipes defined from outside (the CLI's `recipe create`, the studio's recipe form) and
// explained before they run: the engine a build would choose and the SQL it would run.
#pragma once

#include <string>

#include "mortar/config/model.h"
#include "mortar/core/result.h"
#include "mortar/flow/context.h"
#include "mortar/flow/flow.h"

namespace mortar {

// Checks the recipe against the project: the datasets it reads and writes exist, its
// type accepts its params, and the flow keeps one recipe per dataset and no cycle. A
// recipe of the same name is a conflict unless it is to be replaced.
Status CheckRecipe(Context& context, const Flow& flow, const config::RecipeConfig& recipe,
                   bool replace);

// Checks the recipe and saves it (the write role).
Status DefineRecipe(Context& context, const config::RecipeConfig& recipe, bool replace);

struct RecipeExplanation {
  std::string engine;  // the engine a build would run it on
  std::string sql;     // the SQL that engine runs, empty for engines that run none
  std::string why;     // why not an engine preferred to it (EngineChoice::why)
};

// What running the recipe would do, without running it: its type's checks, then the
// engine chosen for its datasets and that engine's SQL.
Result<RecipeExplanation> ExplainRecipe(Context& context, const config::RecipeConfig& recipe);

}  // namespace mortar
