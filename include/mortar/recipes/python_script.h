// Where a python recipe's code lives: the file its params.script names, which must be
// inside the project folder, or its params.code.
#pragma once

#include <filesystem>
#include <optional>

#include "mortar/config/home.h"
#include "mortar/config/model.h"
#include "mortar/core/result.h"

namespace mortar::recipes {

// The script file of a recipe with params.script, whether or not it exists yet;
// std::nullopt for a recipe with params.code. A path that leaves the project folder
// (absolute, or through "..") is an error naming the rule.
Result<std::optional<std::filesystem::path>> PythonScriptPath(const config::RecipeConfig& recipe,
                                                              const config::Project& project);

}  // namespace mortar::recipes
