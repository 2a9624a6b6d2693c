// Recipes turn input datasets into output datasets. A RecipeType validates its
// definition; Engines run it (in-database, local streaming, ...). Both plug in
// through the Registry. Engines are stateless and thread-safe; a RecipeRun is not.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mortar/config/model.h"
#include "mortar/connectors/dataset.h"
#include "mortar/core/job_log.h"
#include "mortar/recipes/recipe_host.h"

namespace mortar {

struct RecipeRun {
  const config::RecipeConfig& recipe;
  std::vector<Dataset*> inputs;
  std::vector<Dataset*> outputs;
  JobLog& log;
  // Filled by the engine: the schema each output was written with, recorded in the
  // output dataset's definition after a successful run.
  std::vector<std::optional<Schema>> output_schemas = {};
  int64_t rows_written = -1;
  // The command or request running the recipe (data directory, user, project); set by
  // the flow. Code recipes hand these to the process they start.
  RecipeHost* host = nullptr;
};

class RecipeType {
 public:
  virtual ~RecipeType() = default;
  virtual std::string_view name() const = 0;
  // Checks the definition (params, number of inputs and outputs) without data.
  virtual Status Validate(const config::RecipeConfig& recipe) const = 0;
  // What besides its definition decides the recipe's result (a code recipe's script
  // file), for out-of-date checks; empty when nothing does.
  virtual std::string Fingerprint(const config::RecipeConfig& recipe,
                                  const std::filesystem::path& project_dir) const {
    (void)recipe;
    (void)project_dir;
    return std::string();
  }
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view recipe_type() const = 0;
  // OK when this engine can run the recipe; otherwise the reason it cannot.
  virtual Status CanRun(const RecipeRun& run) const = 0;
  virtual Status Run(RecipeRun& run) const = 0;
  // The SQL the engine would run, for `recipe show --sql` (empty when none).
  virtual Result<std::string> Explain(const RecipeRun& run) const {
    (void)run;
    return std::string();
  }
};

}  // namespace mortar
