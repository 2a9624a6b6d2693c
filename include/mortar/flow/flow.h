// The flow: the dependency graph of a project's datasets and recipes, and builds.
// Building a dataset runs the recipes it depends on that are out of date (or all of
// them when forced), in dependency order, each with the first engine that can run it.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mortar/core/job_log.h"
#include "mortar/flow/context.h"
#include "mortar/recipes/recipe.h"

namespace mortar {

struct BuildOptions {
  bool force = false;
  bool echo = true;  // job log lines on the terminal
  // Called with the job's id once it is recorded, before any recipe runs.
  std::function<void(const std::string& job_id)> on_start;
};

struct RecipeOutcome {
  std::string recipe;
  std::string engine;
  bool ran = false;
  int64_t rows = -1;
  double seconds = 0;
};

// A recipe of the flow, and whether a build would run it.
struct RecipeState {
  std::string recipe;
  std::string stamp;        // of its definition and its inputs' stamps
  bool up_to_date = false;  // each output exists and was written with this stamp
};

struct BuildReport {
  std::string job_id;
  std::string log_path;
  std::vector<RecipeOutcome> recipes;
};

class Flow {
 public:
  // Loads every recipe and checks the graph: each dataset has at most one producing
  // recipe, and there are no cycles.
  static Result<Flow> Load(const config::Project& project);
  // The same checks over recipes given (a changed recipe checked before it is saved).
  static Result<Flow> Make(std::vector<config::RecipeConfig> recipes);

  // The recipes to consider for building `targets`, upstream first.
  Result<std::vector<std::string>> RecipesFor(const std::vector<std::string>& targets) const;
  const std::map<std::string, config::RecipeConfig>& recipes() const { return recipes_; }
  // The recipe producing a dataset, or empty.
  std::string ProducerOf(const std::string& dataset) const;

  // The recipes building `targets` needs (every recipe when empty), upstream first, each
  // with whether it is up to date: its definition and inputs unchanged since it last
  // wrote its outputs. Reads source datasets' fingerprints; runs nothing.
  Result<std::vector<RecipeState>> Plan(Context& context,
                                        const std::vector<std::string>& targets) const;
  Result<BuildReport> Build(Context& context, const std::vector<std::string>& targets,
                            const BuildOptions& options) const;
  // Runs one recipe now, whatever its state.
  Result<RecipeOutcome> RunRecipe(Context& context, const std::string& recipe, JobLog& log) const;

 private:
  std::map<std::string, config::RecipeConfig> recipes_;
  std::map<std::string, std::string> producers_;  // dataset -> recipe
};

// The flow as data, as 'mortar flow --json' and GET /api/flow give it: "datasets" (name,
// connection, type, the recipe that writes it or "") and "recipes" upstream first
// (name, type, engine, inputs, outputs, up_to_date from Plan).
Result<config::Json> FlowGraphJson(Context& context, const Flow& flow);

// A token that changes every time a recipe writes the dataset ("" when no recipe has
// written it yet). Caches of results computed from a dataset key on it.
std::string DatasetVersion(const config::Project& project, const std::string& dataset);

// The engine picked for a run, and why: "chosen in the recipe", or what kept each
// engine preferred to it from running it ("in-database: the output 'x' is not a SQL
// table"); empty when the first engine for the recipe's type runs it.
struct EngineChoice {
  const Engine* engine = nullptr;
  std::string why;
};

// Picks the engine for a run: the forced one (failing with its reason), else the
// first that can run it (failing with every engine's reason).
Result<EngineChoice> ChooseEngine(const Registry& registry, const RecipeRun& run);
// Checks the run's recipe against its type and opens the datasets it reads and writes.
Status PrepareRecipeRun(Context& context, RecipeRun& run);

}  // namespace mortar
