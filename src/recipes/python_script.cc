#include "mortar/recipes/python_script.h"

#include "mortar/config/document.h"
#include "mortar/core/path_within.h"

namespace mortar::recipes {

namespace fs = std::filesystem;

Result<std::optional<fs::path>> PythonScriptPath(const config::RecipeConfig& recipe,
                                                 const config::Project& project) {
  config::ConfigObject params(recipe.params, recipe.file, "params");
  if (!params.Has("script")) return std::optional<fs::path>();
  MORTAR_ASSIGN_OR_RETURN(std::string script, params.String("script"));
  fs::path folder = project.dir().lexically_normal();
  fs::path file = (folder / script).lexically_normal();
  if (!PathWithin(file, folder) || fs::path(script).is_absolute() || file == folder)
    return params.Error("script", "must be a file inside the project folder " + folder.string());
  return std::optional<fs::path>(file);
}

}  // namespace mortar::recipes
