// The Python code recipe: a script (a file in the project, or code inline) run by a
// Python interpreter as its own process. The process reaches its declared inputs and
// outputs through the data API, served for the run on 127.0.0.1 with a ticket that
// allows exactly those datasets; it never sees a connection's secrets. The outputs it
// writes are committed together when the script succeeds, and left as they were when
// it fails.
#include <algorithm>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "connectors/databricks/connection_string.h"
#include "mortar/core/child_process.h"
#include "mortar/core/path_within.h"
#include "mortar/recipes/python_script.h"
#include "mortar/recipes/recipe_data_api.h"
#include "recipes/builtin_recipes.h"

#ifndef MORTAR_DEFAULT_PYTHON
#define MORTAR_DEFAULT_PYTHON "python3"
#endif

namespace mortar::recipes {

namespace {

namespace fs = std::filesystem;
using config::Json;

constexpr std::size_t kErrorLines = 15;

// Variables that hold secrets of Mortar or of its connections never reach the script.
const std::vector<std::string> kWithheld = {
    "MORTAR_API_KEY",           "MORTAR_TICKET",           "DATABRICKS_TOKEN",
    "DATABRICKS_CLIENT_SECRET", "DATABRICKS_PASSWORD",     "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",        "AZURE_STORAGE_SAS_TOKEN", "SPARK_CONNECT_AUTHENTICATE_TOKEN"};

class PythonRecipe final : public RecipeType {
 public:
  std::string_view name() const override { return "python"; }
  Status Validate(const config::RecipeConfig& recipe) const override {
    config::ConfigObject params(recipe.params, recipe.file, "params");
    MORTAR_RETURN_IF_ERROR(params.CheckObject({"script", "code"}));
    if (params.Has("script") == params.Has("code")) {
      return Status::Invalid(recipe.file +
                             ": a python recipe takes either params.script (a file in the "
                             "project, e.g. \"recipes/clean.py\") or params.code");
    }
    if (recipe.outputs.empty())
      return Status::Invalid(recipe.file + ": a python recipe needs at least one output");
    return Status::OK();
  }
  // The script file's content: editing the script makes the outputs out of date.
  std::string Fingerprint(const config::RecipeConfig& recipe,
                          const fs::path& project_dir) const override {
    if (!recipe.params.is_object() || !recipe.params.value("script", config::Json()).is_string())
      return std::string();
    std::ifstream in(project_dir / recipe.params["script"].get<std::string>(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return "|script=" + content.str();
  }
};

// Removes from `environment` the variables that "*_env" parameters name, anywhere in
// a connection's params.
void WithholdNamedVariables(const config::Json& params,
                            std::map<std::string, std::string>& environment) {
  if (params.is_object()) {
    for (const auto& [key, value] : params.items()) {
      if (value.is_string() && key.size() > 4 && key.ends_with("_env")) {
        environment.erase(value.get<std::string>());
      } else {
        WithholdNamedVariables(value, environment);
      }
    }
  } else if (params.is_array()) {
    for (const auto& value : params) WithholdNamedVariables(value, environment);
  }
}

// MORTAR_PYTHON, else "python" in mortar.json, else the interpreter Mortar was built
// with (the project's virtual environment, which has the mortar package).
std::string Interpreter(const Json& settings) {
  if (const char* chosen = std::getenv("MORTAR_PYTHON"); chosen != nullptr && *chosen != '\0')
    return chosen;
  if (settings.value("python", Json()).is_string()) return settings["python"].get<std::string>();
  return MORTAR_DEFAULT_PYTHON;
}

// The data directory's mortar.json, or an empty object when it has none or cannot be read.
Json Settings(const config::Home& home) {
  auto settings = config::ReadJsonFile(home.root() / "mortar.json");
  return settings.ok() && settings->is_object() ? *settings : Json::object();
}

// What a script must not read although it runs as Mortar's OS user:
// - the key file and the vault, and the files connections read tokens from
//   (auth.token_file, and the Databricks config file when a connection reads a profile);
// - what it reaches only through Mortar, which checks the project's grants: the other
//   projects' folders, the jobs' logs, the connections' settings, and the data of
//   connections kept inside the data directory (a SQLite database, a filesystem
//   connection's root: the embedded defaults).
// `"python_isolation": "none"` in mortar.json turns this off, for systems without user
// namespaces.
std::vector<fs::path> HiddenFromScripts(const config::Home& home, const Json& settings,
                                        const std::vector<config::ConnectionConfig>& connections,
                                        const std::string& own_project) {
  if (settings.value("python_isolation", Json()) == "none") return {};
  std::vector<fs::path> hidden = {home.KeyFile(), home.SecurityDir(), home.JobsDir(),
                                  home.ConnectionsDir()};
  if (auto projects = home.ListProjects(); projects.ok()) {
    for (const auto& name : *projects)
      if (name != own_project) hidden.push_back(home.ProjectsDir() / name);
  }
  for (const auto& connection : connections) {
    if (!connection.params.is_object()) continue;
    const char* place = connection.type == "sqlite"       ? "path"
                        : connection.type == "filesystem" ? "root"
                                                          : nullptr;
    const Json where = place ? connection.params.value(place, Json()) : Json();
    if (where.is_string()) {
      fs::path data = home.Resolve(where.get<std::string>());
      // Never the folder that holds the script's own project (a root of ".").
      if (PathWithin(data, home.root()) && !PathWithin(home.ProjectsDir() / own_project, data)) {
        hidden.push_back(data);
        for (const char* journal : {"-wal", "-shm", "-journal"})  // a database's, if any
          if (connection.type == "sqlite") hidden.push_back(data.string() + journal);
      }
    }
    const Json auth = connection.params.value("auth", Json::object());
    if (!auth.is_object()) continue;
    if (auth.value("token_file", Json()).is_string()) {
      fs::path file = auth["token_file"].get<std::string>();
      hidden.push_back(file.is_absolute() ? file : home.root() / file);
    }
    if (auth.value("type", Json()) == "profile") hidden.push_back(databricks::DefaultConfigFile());
  }
  return hidden;
}

Result<fs::path> ScriptFile(const config::RecipeConfig& recipe, const config::Project& project) {
  config::ConfigObject params(recipe.params, recipe.file, "params");
  if (params.Has("code")) {
    MORTAR_ASSIGN_OR_RETURN(std::string code, params.String("code"));
    fs::create_directories(project.StateDir());
    fs::path file = project.StateDir() / ("python-" + recipe.name + ".py");
    std::ofstream out(file, std::ios::trunc);
    out << code << "\n";
    if (!out) return Status::Internal("cannot write " + file.string());
    return file;
  }
  MORTAR_ASSIGN_OR_RETURN(std::optional<fs::path> path, PythonScriptPath(recipe, project));
  const fs::path& file = *path;
  if (!fs::is_regular_file(file)) {
    return params.Error("script", "there is no file " + file.string() +
                                      "; write the script there or give params.code");
  }
  return file;
}

// Every connection of the data directory that reads (one that does not is skipped: it
// cannot be used either).
std::vector<config::ConnectionConfig> ReadableConnections(const config::Home& home) {
  std::vector<config::ConnectionConfig> connections;
  if (auto names = home.ListConnections(); names.ok()) {
    for (const auto& name : *names) {
      if (auto connection = home.LoadConnection(name); connection.ok())
        connections.push_back(std::move(*connection));
    }
  }
  return connections;
}

std::map<std::string, std::string> ChildEnvironment(
    const std::vector<config::ConnectionConfig>& connections) {
  auto environment = CurrentEnvironment();
  for (const auto& name : kWithheld) environment.erase(name);
  // And every variable a connection takes a secret from: any "*_env" parameter, at any
  // depth (auth.token_env, secret_access_key_env, sas_token_env, fast_write's ...).
  for (const auto& connection : connections) WithholdNamedVariables(connection.params, environment);
  environment["PYTHONUNBUFFERED"] = "1";
  return environment;
}

class PythonEngine final : public Engine {
 public:
  explicit PythonEngine(StartRecipeDataApi start_api) : start_api_(std::move(start_api)) {}
  std::string_view name() const override { return "python"; }
  std::string_view recipe_type() const override { return "python"; }
  // The only engine of python recipes: explaining one (no build, so no host) says so.
  Status CanRun(const RecipeRun&) const override { return Status::OK(); }

  Status Run(RecipeRun& run) const override {
    if (run.host == nullptr) return Status::Internal("python recipes run only inside a build");
    RecipeHost& host = *run.host;
    MORTAR_ASSIGN_OR_RETURN(const config::Project* project, host.project());
    MORTAR_ASSIGN_OR_RETURN(fs::path script, ScriptFile(run.recipe, *project));
    RecipeGrant grant{.user = host.user(), .project = project->name()};
    grant.readable = {run.recipe.inputs.begin(), run.recipe.inputs.end()};
    grant.writable = {run.recipe.outputs.begin(), run.recipe.outputs.end()};
    for (Dataset* dataset : run.inputs) grant.connections.insert(dataset->connection().name());
    for (Dataset* dataset : run.outputs) grant.connections.insert(dataset->connection().name());
    MORTAR_ASSIGN_OR_RETURN(
        auto api, start_api_(host, [&run](const std::string& line) { run.log.Info(line); }));
    std::string ticket = api->MintTicket(std::move(grant));

    ChildProcess child;
    const Json settings = Settings(host.home());
    child.argv = {Interpreter(settings), script.string()};
    const auto connections = ReadableConnections(host.home());
    child.environment = ChildEnvironment(connections);
    // The ticket goes in the environment, never in the arguments.
    child.environment["MORTAR_API_URL"] = api->url();
    child.environment["MORTAR_TICKET"] = ticket;
    child.environment["MORTAR_PROJECT"] = project->name();
    child.working_directory = project->dir();
    child.hidden = HiddenFromScripts(host.home(), settings, connections, project->name());
    std::deque<std::string> last_lines;
    child.on_stdout_line = [&run](const std::string& line) { run.log.Info("python: " + line); };
    child.on_stderr_line = [&](const std::string& line) {
      run.log.Info("python (stderr): " + line);
      last_lines.push_back(line);
      if (last_lines.size() > kErrorLines) last_lines.pop_front();
    };
    run.log.Info("running " + script.string() + " with " + child.argv.front());
    auto exit_code = RunChildProcess(child);
    bool succeeded = exit_code.ok() && *exit_code == 0;
    Status committed = api->Finish(ticket, succeeded);
    for (const auto& output : run.recipe.outputs) host.ForgetDataset(output);
    if (!exit_code.ok() && exit_code.status().detail<IsolationUnavailableDetail>()) {
      return Status::Invalid(exit_code.status().message() +
                             "; or set \"python_isolation\": \"none\" in mortar.json to run "
                             "scripts that can read the data directory's secrets");
    }
    if (!exit_code.ok()) return exit_code.status();
    if (*exit_code != 0) {
      std::string tail;
      for (const auto& line : last_lines) tail += "\n  " + line;
      return Status::Invalid("the Python script " + script.filename().string() +
                             " failed with exit code " + std::to_string(*exit_code) +
                             "; its outputs were left as they were" +
                             (tail.empty() ? std::string() : ". Its last lines:" + tail));
    }
    MORTAR_RETURN_IF_ERROR(committed);
    run.log.Info("python recipe " + run.recipe.name + " finished");
    return Status::OK();
  }

 private:
  StartRecipeDataApi start_api_;
};

}  // namespace

void RegisterPythonRecipe(Registry& registry, StartRecipeDataApi start_api) {
  registry.AddRecipeType(std::make_unique<PythonRecipe>());
  registry.AddEngine(std::make_unique<PythonEngine>(std::move(start_api)));
}

}  // namespace mortar::recipes
