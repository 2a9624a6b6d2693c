// mortar recipe: list, show, create, run.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/invocation.h"
#include "cli/table_printer.h"
#include "mortar/flow/context.h"
#include "mortar/flow/flow.h"
#include "mortar/flow/job_record.h"
#include "mortar/flow/recipe_definition.h"
#include "mortar/security/permissions.h"

namespace mortar::cli {

using Json = nlohmann::json;

Status RecipeVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action, Word(in, 1, "action (list, show, create, run)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, in.context->project());
  MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, recipe] : flow.recipes()) {
      std::string inputs;
      for (const auto& input : recipe.inputs) inputs += (inputs.empty() ? "" : ", ") + input;
      std::string outputs;
      for (const auto& output : recipe.outputs) outputs += (outputs.empty() ? "" : ", ") + output;
      list.push_back({{"name", name},
                      {"type", recipe.type},
                      {"inputs", recipe.inputs},
                      {"outputs", recipe.outputs}});
      rows.push_back({name, recipe.type, inputs, outputs});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"NAME", "TYPE", "INPUTS", "OUTPUTS"}, rows);
    }
    return Status::OK();
  }
  MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "recipe name"));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
  if (action == "create") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions(
        {"type", "input", "output", "params", "params-file", "engine", "replace"}));
    MORTAR_RETURN_IF_ERROR(in.context->RequireProjectRole(security::ProjectRole::kWrite));
    config::RecipeConfig recipe;
    recipe.name = name;
    recipe.file = "recipe '" + name + "'";
    MORTAR_RETURN_IF_ERROR(config::ValidateName("recipe", name));
    auto type = in.args.Option("type");
    if (!type) return Status::Invalid("recipe create needs --type (sync, sql, group, ...)");
    recipe.type = *type;
    recipe.inputs = in.args.Options("input");
    recipe.outputs = in.args.Options("output");
    recipe.engine = in.args.Option("engine").value_or("");
    auto params_text = in.args.Option("params");
    auto params_file = in.args.Option("params-file");
    if (params_text && params_file)
      return Status::Invalid("give the recipe's params once: --params JSON or --params-file FILE");
    if (params_file) {
      MORTAR_ASSIGN_OR_RETURN(recipe.params, config::ReadJsonFile(*params_file));
    } else if (params_text) {
      recipe.params = Json::parse(*params_text, nullptr, false);
      if (recipe.params.is_discarded())
        return Status::Invalid("--params is not JSON: " + *params_text);
    }
    bool exists = flow.recipes().count(name) > 0;
    Status defined = DefineRecipe(*in.context, recipe, in.args.Flag("replace"));
    if (defined.code() == ErrorCode::kConflict && exists)
      return Status::Conflict("a recipe named '" + name +
                              "' exists; choose another name, or pass --replace to redefine it");
    MORTAR_RETURN_IF_ERROR(defined);
    if (in.json) {
      PrintJson(in.out, recipe.ToJson());
    } else {
      in.out << (exists ? "Redefined" : "Created") << " recipe " << name << " (" << recipe.type
             << ")\n";
    }
    return Status::OK();
  }
  auto it = flow.recipes().find(name);
  if (it == flow.recipes().end())
    return Status::NotFound("no recipe named '" + name + "' (see 'mortar recipe list')");
  const config::RecipeConfig& recipe = it->second;
  if (action == "show") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"sql"}));
    MORTAR_ASSIGN_OR_RETURN(RecipeExplanation explained, ExplainRecipe(*in.context, recipe));
    const std::string& sql = explained.sql;
    if (in.json) {
      Json json = recipe.ToJson();
      json["chosen_engine"] = explained.engine;
      if (!explained.why.empty()) json["engine_why"] = explained.why;
      if (!sql.empty()) json["sql"] = sql;
      PrintJson(in.out, json);
      return Status::OK();
    }
    if (in.args.Flag("sql")) {
      if (sql.empty()) {
        return Status::Invalid("recipe '" + name + "' runs on the " + explained.engine +
                               " engine, which runs no SQL");
      }
      in.out << sql << (sql.back() == '\n' ? "" : "\n");
      return Status::OK();
    }
    in.out << recipe.ToJson().dump(2) << "\nengine: " << explained.engine
           << (explained.why.empty() ? "" : " (" + explained.why + ")") << "\n";
    return Status::OK();
  }
  if (action == "run") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"print-job"}));
    MORTAR_ASSIGN_OR_RETURN(auto log, JobLog::Create(in.context->home().JobsDir(), name,
                                                     !in.json && !in.args.Flag("quiet")));
    MORTAR_ASSIGN_OR_RETURN(JobRecord record,
                            RecordJobStart(*log, name, project->name(), in.context->user()));
    // For the server, which follows the job while it runs (as with build --print-job).
    if (in.args.Flag("print-job")) in.out << log->id() << std::endl;
    auto ran = flow.RunRecipe(*in.context, name, *log);
    MORTAR_RETURN_IF_ERROR(RecordJobEnd(*log, std::move(record), ran.status()));
    const RecipeOutcome& outcome = *ran;
    if (in.json) {
      PrintJson(in.out, Json{{"recipe", name},
                             {"engine", outcome.engine},
                             {"rows", outcome.rows},
                             {"seconds", outcome.seconds},
                             {"job", log->id()},
                             {"log", log->path().string()}});
    } else {
      in.out << "Ran recipe " << name << " with the " << outcome.engine << " engine in "
             << outcome.seconds << " s (log: " << log->path().string() << ")\n";
    }
    return Status::OK();
  }
  return Status::Invalid("unknown action 'recipe " + action + "' (see 'mortar recipe --help')");
}

}  // namespace mortar::cli
