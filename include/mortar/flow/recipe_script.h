// The code of a python recipe as the studio edits it: the content of the file its
// params.script names (inside the project folder), or its params.code.
#pragma once

#include <cstddef>
#include <string>

#include "mortar/core/result.h"
#include "mortar/flow/context.h"

namespace mortar {

// A script larger than this is refused: code, not data, belongs in it.
inline constexpr std::size_t kMaxRecipeScriptBytes = std::size_t{512} << 10;

struct RecipeScript {
  std::string script;  // the file, as params.script names it; empty for params.code
  std::string code;    // "" for a script file not written yet
};

// The recipe's code (the read role).
Result<RecipeScript> ReadRecipeScript(Context& context, const std::string& recipe);

// Replaces the recipe's code (the write role): the script file atomically (made, with
// its folder, if it is not there yet), or params.code in the recipe's definition.
Status WriteRecipeScript(Context& context, const std::string& recipe, const std::string& code);

}  // namespace mortar
