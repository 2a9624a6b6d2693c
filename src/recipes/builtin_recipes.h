// Registration of the recipe types and engines Mortar ships.
#pragma once

#include "mortar/connectors/registry.h"
#include "mortar/recipes/recipe.h"

namespace mortar::recipes {

void RegisterSyncRecipe(Registry& registry);
void RegisterSqlRecipe(Registry& registry);
void RegisterGroupRecipe(Registry& registry);

// Shared checks for engines.
Status ExpectCounts(const config::RecipeConfig& recipe, std::size_t inputs, std::size_t outputs);
// OK when every dataset of the run is a SQL dataset on the output's connection.
Status SameSqlConnection(const RecipeRun& run);

}  // namespace mortar::recipes
