// Registration of the recipe types and engines Mortar ships.
#pragma once

#include "mortar/recipes/recipe.h"
#include "mortar/recipes/recipe_data_api.h"
#include "mortar/recipes/registry.h"

namespace mortar::recipes {

void RegisterSyncRecipe(Registry& registry);
void RegisterSqlRecipe(Registry& registry);
// Python scripts reach their datasets through the data API `start_api` serves.
void RegisterPythonRecipe(Registry& registry, StartRecipeDataApi start_api);

// Shared checks for engines.
Status ExpectCounts(const config::RecipeConfig& recipe, std::size_t inputs, std::size_t outputs);
// OK when every dataset of the run is a SQL dataset on the output's connection.
Status SameSqlConnection(const RecipeRun& run);

// After an in-database run: the output table's schema as the database created it
// (its types can be more precise than the planned ones), else the planned one.
Result<std::vector<std::optional<Schema>>> RecordedSchemas(SqlConnection& sql, Dataset& output,
                                                           const Schema& planned);
// "wrote N rows into X", or "replaced X" when the database does not say how many.
void LogReplaced(RecipeRun& run, int64_t rows, const std::string& what);

}  // namespace mortar::recipes
