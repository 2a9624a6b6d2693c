#include "mortar/flow/flow.h"

#include <chrono>
#include <set>

#include "mortar/core/digest.h"
#include "mortar/core/interrupt.h"
#include "mortar/core/job_log.h"
#include "mortar/flow/job_record.h"
#include "mortar/recipes/recipe.h"

namespace mortar {

namespace fs = std::filesystem;

namespace {

fs::path StampFile(const config::Project& project, const std::string& dataset) {
  return project.StateDir() / (dataset + ".json");
}

fs::path VersionFile(const config::Project& project, const std::string& dataset) {
  return project.StateDir() / "versions" / (dataset + ".json");
}

std::string ReadStamp(const config::Project& project, const std::string& dataset) {
  auto json = config::ReadJsonFile(StampFile(project, dataset));
  if (!json.ok() || !json->is_object() || !json->contains("stamp") || !(*json)["stamp"].is_string())
    return "";
  return (*json)["stamp"].get<std::string>();
}

}  // namespace

std::string DatasetVersion(const config::Project& project, const std::string& dataset) {
  auto json = config::ReadJsonFile(VersionFile(project, dataset));
  if (!json.ok() || !json->is_object() || !json->contains("version")) return "";
  return (*json)["version"].dump();
}

Result<EngineChoice> ChooseEngine(const Registry& registry, const RecipeRun& run) {
  auto engines = registry.EnginesFor(run.recipe.type);
  if (!run.recipe.engine.empty()) {
    for (const Engine* engine : engines) {
      if (engine->name() != run.recipe.engine) continue;
      Status can = engine->CanRun(run);
      if (!can.ok()) {
        return Status::Invalid("recipe '" + run.recipe.name + "': the engine '" +
                               run.recipe.engine + "' cannot run it: " + can.message());
      }
      return EngineChoice{engine, "chosen in the recipe"};
    }
    std::string known;
    for (const Engine* engine : engines)
      known += (known.empty() ? "" : ", ") + std::string(engine->name());
    return Status::Invalid("recipe '" + run.recipe.name + "': unknown engine '" +
                           run.recipe.engine + "' for a " + run.recipe.type +
                           " recipe (known: " + known + ")");
  }
  std::string reasons;
  for (const Engine* engine : engines) {
    Status can = engine->CanRun(run);
    if (can.ok()) return EngineChoice{engine, reasons};
    reasons += (reasons.empty() ? "" : "; ") + std::string(engine->name()) + ": " + can.message();
  }
  return Status::Invalid("recipe '" + run.recipe.name + "': no engine can run it; " + reasons);
}

Result<Flow> Flow::Load(const config::Project& project) {
  std::vector<config::RecipeConfig> recipes;
  MORTAR_ASSIGN_OR_RETURN(auto names, project.ListRecipes());
  for (const auto& name : names) {
    MORTAR_ASSIGN_OR_RETURN(config::RecipeConfig recipe, project.LoadRecipe(name));
    recipes.push_back(std::move(recipe));
  }
  return Make(std::move(recipes));
}

Result<Flow> Flow::Make(std::vector<config::RecipeConfig> recipes) {
  Flow flow;
  for (auto& recipe : recipes) {
    const std::string name = recipe.name;
    for (const auto& output : recipe.outputs) {
      auto [it, inserted] = flow.producers_.emplace(output, name);
      if (!inserted) {
        return Status::Invalid("dataset '" + output + "' is the output of two recipes: '" +
                               it->second + "' and '" + name + "'; a dataset has one producer");
      }
    }
    flow.recipes_.emplace(name, std::move(recipe));
  }
  // Cycle check by depth-first search over recipes.
  std::map<std::string, int> state;  // 1 visiting, 2 done
  std::function<Status(const std::string&)> visit = [&](const std::string& name) -> Status {
    if (state[name] == 2) return Status::OK();
    if (state[name] == 1)
      return Status::Invalid("the flow has a cycle through recipe '" + name + "'");
    state[name] = 1;
    for (const auto& input : flow.recipes_.at(name).inputs) {
      auto producer = flow.producers_.find(input);
      if (producer != flow.producers_.end()) MORTAR_RETURN_IF_ERROR(visit(producer->second));
    }
    state[name] = 2;
    return Status::OK();
  };
  for (const auto& [name, unused] : flow.recipes_) MORTAR_RETURN_IF_ERROR(visit(name));
  return flow;
}

std::string Flow::ProducerOf(const std::string& dataset) const {
  auto it = producers_.find(dataset);
  return it == producers_.end() ? "" : it->second;
}

Result<config::Json> FlowGraphJson(Context& context, const Flow& flow) {
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  MORTAR_ASSIGN_OR_RETURN(auto plan, flow.Plan(context, {}));
  config::Json datasets = config::Json::array();
  MORTAR_ASSIGN_OR_RETURN(auto names, project->ListDatasets());
  for (const auto& name : names) {
    MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig config, project->LoadDataset(name));
    datasets.push_back({{"name", name},
                        {"connection", config.connection},
                        {"type", config.type},
                        {"recipe", flow.ProducerOf(name)}});
  }
  config::Json recipes = config::Json::array();
  for (const RecipeState& state : plan) {
    const config::RecipeConfig& recipe = flow.recipes().at(state.recipe);
    recipes.push_back({{"name", recipe.name},
                       {"type", recipe.type},
                       {"engine", recipe.engine},
                       {"inputs", recipe.inputs},
                       {"outputs", recipe.outputs},
                       {"up_to_date", state.up_to_date}});
  }
  return config::Json{{"project", project->name()}, {"datasets", datasets}, {"recipes", recipes}};
}

Result<std::vector<std::string>> Flow::RecipesFor(const std::vector<std::string>& targets) const {
  std::vector<std::string> order;
  std::set<std::string> seen;
  std::function<void(const std::string&)> visit = [&](const std::string& dataset) {
    auto producer = producers_.find(dataset);
    if (producer == producers_.end() || seen.count(producer->second) > 0) return;
    seen.insert(producer->second);
    for (const auto& input : recipes_.at(producer->second).inputs) visit(input);
    order.push_back(producer->second);
  };
  for (const auto& target : targets) visit(target);
  return order;
}

Status PrepareRecipeRun(Context& context, RecipeRun& run) {
  MORTAR_ASSIGN_OR_RETURN(const RecipeType* type,
                          context.registry().FindRecipeType(run.recipe.type));
  MORTAR_RETURN_IF_ERROR(type->Validate(run.recipe));
  for (const auto& input : run.recipe.inputs) {
    MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, context.GetDataset(input));
    run.inputs.push_back(dataset);
  }
  for (const auto& output : run.recipe.outputs) {
    MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, context.GetDataset(output));
    run.outputs.push_back(dataset);
  }
  return Status::OK();
}

Result<RecipeOutcome> Flow::RunRecipe(Context& context, const std::string& name,
                                      JobLog& log) const {
  MORTAR_RETURN_IF_ERROR(context.RequireProjectRole(security::ProjectRole::kWrite));
  auto it = recipes_.find(name);
  if (it == recipes_.end())
    return Status::NotFound("no recipe named '" + name + "' (see 'mortar recipe list')");
  const config::RecipeConfig& recipe = it->second;
  RecipeRun run{recipe, {}, {}, log};
  run.host = &context;
  MORTAR_RETURN_IF_ERROR(PrepareRecipeRun(context, run));
  MORTAR_ASSIGN_OR_RETURN(EngineChoice choice, ChooseEngine(context.registry(), run));
  const Engine* engine = choice.engine;
  log.Info("recipe " + name + " (" + recipe.type + "): engine " + std::string(engine->name()) +
           (choice.why.empty() ? "" : " (" + choice.why + ")"));
  auto start = std::chrono::steady_clock::now();
  Status status = engine->Run(run);
  if (!status.ok()) {
    Status failed = status.WithContext("recipe '" + name + "'");
    log.Error(failed.ToString());
    return failed;
  }
  RecipeOutcome outcome;
  outcome.recipe = name;
  outcome.engine = std::string(engine->name());
  outcome.ran = true;
  outcome.rows = run.rows_written;
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Record the schemas the outputs were written with, and that they changed.
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  const auto written = std::chrono::system_clock::now().time_since_epoch().count();
  for (const auto& output : recipe.outputs) {
    MORTAR_RETURN_IF_ERROR(config::WriteJsonFile(
        VersionFile(*project, output),
        config::Json{{"version", std::to_string(written) + " " + log.id()}, {"recipe", name}}));
  }
  for (std::size_t i = 0; i < run.output_schemas.size() && i < recipe.outputs.size(); ++i) {
    if (!run.output_schemas[i]) continue;
    MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig config, project->LoadDataset(recipe.outputs[i]));
    if (!config.schema || !(*config.schema == *run.output_schemas[i])) {
      config.schema = run.output_schemas[i];
      MORTAR_RETURN_IF_ERROR(project->SaveDataset(config));
      context.ForgetDataset(recipe.outputs[i]);
    }
  }
  return outcome;
}

Result<std::vector<RecipeState>> Flow::Plan(Context& context,
                                            const std::vector<std::string>& targets) const {
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  std::vector<std::string> wanted = targets;
  if (wanted.empty()) {
    for (const auto& [dataset, unused] : producers_) wanted.push_back(dataset);
  }
  MORTAR_ASSIGN_OR_RETURN(auto order, RecipesFor(wanted));
  // A recipe's stamp covers its inputs' stamps, so a change upstream makes every
  // recipe below it out of date too. Upstream recipes come first, so each produced
  // input's stamp is known when it is needed.
  std::map<std::string, std::string> stamps;  // dataset -> its producer's stamp
  auto stamp_of = [&](const std::string& dataset) -> Result<std::string> {
    auto it = stamps.find(dataset);
    if (it != stamps.end()) return it->second;
    if (producers_.count(dataset) > 0) return ReadStamp(*project, dataset);
    MORTAR_ASSIGN_OR_RETURN(Dataset * source, context.GetDataset(dataset));
    return source->Fingerprint();
  };
  std::vector<RecipeState> plan;
  for (const auto& name : order) {
    const config::RecipeConfig& recipe = recipes_.at(name);
    std::string material = recipe.ToJson().dump();
    MORTAR_ASSIGN_OR_RETURN(const RecipeType* type, context.registry().FindRecipeType(recipe.type));
    material += type->Fingerprint(recipe, project->dir());
    for (const auto& input : recipe.inputs) {
      MORTAR_ASSIGN_OR_RETURN(std::string stamp, stamp_of(input));
      material += "|" + input + "=" + stamp;
    }
    RecipeState state{name, Sha256Hex(material), true};
    for (const auto& output : recipe.outputs) {
      if (!state.up_to_date) break;
      MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, context.GetDataset(output));
      MORTAR_ASSIGN_OR_RETURN(bool exists, dataset->Exists());
      state.up_to_date = exists && ReadStamp(*project, output) == state.stamp;
    }
    for (const auto& output : recipe.outputs) stamps[output] = state.stamp;
    plan.push_back(std::move(state));
  }
  return plan;
}

Result<BuildReport> Flow::Build(Context& context, const std::vector<std::string>& targets,
                                const BuildOptions& options) const {
  MORTAR_RETURN_IF_ERROR(context.RequireProjectRole(security::ProjectRole::kWrite));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  for (const auto& target : targets) MORTAR_RETURN_IF_ERROR(project->LoadDataset(target).status());
  std::string label = targets.size() == 1 ? targets.front() : "build";
  MORTAR_ASSIGN_OR_RETURN(auto plan, Plan(context, targets));
  MORTAR_ASSIGN_OR_RETURN(auto log, JobLog::Create(context.home().JobsDir(), label, options.echo));
  MORTAR_ASSIGN_OR_RETURN(JobRecord record,
                          RecordJobStart(*log, label, project->name(), context.user()));
  if (options.on_start) options.on_start(log->id());
  BuildReport report;
  report.job_id = log->id();
  report.log_path = log->path().string();
  if (plan.empty()) {
    log->Info("nothing to build: no recipe produces " + label + " (it is a source dataset)");
  }
  auto run_plan = [&]() -> Status {
    for (const RecipeState& state : plan) {
      // Interrupted between recipes: the rest stay as they were.
      MORTAR_RETURN_IF_ERROR(StopIfInterrupted());
      const config::RecipeConfig& recipe = recipes_.at(state.recipe);
      if (state.up_to_date && !options.force) {
        log->Info("recipe " + state.recipe + ": up to date, skipped");
        report.recipes.push_back(RecipeOutcome{state.recipe, "", false, -1, 0});
        continue;
      }
      MORTAR_ASSIGN_OR_RETURN(RecipeOutcome outcome, RunRecipe(context, state.recipe, *log));
      for (const auto& output : recipe.outputs) {
        MORTAR_RETURN_IF_ERROR(
            config::WriteJsonFile(StampFile(*project, output),
                                  config::Json{{"stamp", state.stamp}, {"recipe", state.recipe}}));
      }
      report.recipes.push_back(outcome);
    }
    log->Info("build finished");
    return Status::OK();
  };
  Status status = RecordJobEnd(*log, std::move(record), run_plan());
  if (!status.ok()) return status.WithDetail(JobDetail(log->id(), log->path().string()));
  return report;
}

}  // namespace mortar
