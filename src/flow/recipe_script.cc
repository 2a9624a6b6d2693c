#include "mortar/flow/recipe_script.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "mortar/config/document.h"
#include "mortar/core/path_within.h"
#include "mortar/recipes/python_script.h"

namespace mortar {

namespace fs = std::filesystem;

namespace {

Result<config::RecipeConfig> PythonRecipe(const config::Project& project, const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(config::RecipeConfig recipe, project.LoadRecipe(name));
  if (recipe.type != "python") {
    return Status::Invalid("recipe '" + name + "' is a " + recipe.type +
                           " recipe; only python recipes have code to edit");
  }
  return recipe;
}

// The script file, which the studio reads and writes only when it is a .py file outside
// the project's state folder: a script path naming project.json or a definition would
// otherwise let the write role rewrite the project's permissions.
Result<std::optional<fs::path>> EditableScript(const config::RecipeConfig& recipe,
                                               const config::Project& project) {
  MORTAR_ASSIGN_OR_RETURN(std::optional<fs::path> file, recipes::PythonScriptPath(recipe, project));
  if (!file) return file;
  fs::path state = project.StateDir().lexically_normal();
  if (file->extension() != ".py" || PathWithin(*file, state)) {
    return Status::Invalid("the script of recipe '" + recipe.name +
                           "' is edited here only as a .py file outside the state folder; "
                           "set params.script to such a file (e.g. \"recipes/" +
                           recipe.name + ".py\")");
  }
  return file;
}

}  // namespace

Result<RecipeScript> ReadRecipeScript(Context& context, const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  MORTAR_ASSIGN_OR_RETURN(config::RecipeConfig recipe, PythonRecipe(*project, name));
  MORTAR_ASSIGN_OR_RETURN(std::optional<fs::path> file, EditableScript(recipe, *project));
  if (!file) {
    const config::Json code = recipe.params.value("code", config::Json());
    return RecipeScript{"", code.is_string() ? code.get<std::string>() : ""};
  }
  RecipeScript script{recipe.params["script"].get<std::string>(), ""};
  std::error_code error;
  if (!fs::exists(*file, error)) return script;
  if (!fs::is_regular_file(*file, error) || fs::file_size(*file, error) > kMaxRecipeScriptBytes) {
    return Status::Invalid("the script of recipe '" + name + "' (" + script.script +
                           ") is not a file of at most " +
                           std::to_string(kMaxRecipeScriptBytes >> 10) + " KiB");
  }
  std::ifstream in(*file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in && !in.eof()) return Status::Internal("cannot read the script of recipe '" + name + "'");
  script.code = content.str();
  return script;
}

Status WriteRecipeScript(Context& context, const std::string& name, const std::string& code) {
  MORTAR_RETURN_IF_ERROR(context.RequireProjectRole(security::ProjectRole::kWrite));
  if (code.size() > kMaxRecipeScriptBytes) {
    return Status::Invalid("a recipe's code is at most " +
                           std::to_string(kMaxRecipeScriptBytes >> 10) +
                           " KiB; keep data in datasets, not in the script");
  }
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  MORTAR_ASSIGN_OR_RETURN(config::RecipeConfig recipe, PythonRecipe(*project, name));
  MORTAR_ASSIGN_OR_RETURN(std::optional<fs::path> file, EditableScript(recipe, *project));
  if (!file) {
    recipe.params["code"] = code;
    return project->SaveRecipe(recipe);
  }
  return config::WriteTextFile(
      *file, code, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

}  // namespace mortar
