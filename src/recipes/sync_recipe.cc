// The sync recipe copies one dataset into another, streaming batches.
#include "recipes/builtin_recipes.h"

namespace mortar::recipes {

Status ExpectCounts(const config::RecipeConfig& recipe, std::size_t inputs, std::size_t outputs) {
  if (recipe.inputs.size() != inputs || recipe.outputs.size() != outputs) {
    return Status::Invalid(recipe.file + ": a " + recipe.type + " recipe takes " +
                           std::to_string(inputs) + " input(s) and " + std::to_string(outputs) +
                           " output(s); this one has " + std::to_string(recipe.inputs.size()) +
                           " and " + std::to_string(recipe.outputs.size()));
  }
  return Status::OK();
}

Status SameSqlConnection(const RecipeRun& run) {
  Dataset* output = run.outputs.front();
  if (!output->SqlTable()) {
    return Status::Invalid("the output '" + output->name() + "' is not a SQL table");
  }
  for (Dataset* input : run.inputs) {
    if (!input->SqlSource())
      return Status::Invalid("the input '" + input->name() + "' is not in a database");
    if (&input->connection() != &output->connection()) {
      return Status::Invalid("the input '" + input->name() + "' is on connection '" +
                             input->connection().name() + "', the output on '" +
                             output->connection().name() + "'");
    }
  }
  return Status::OK();
}

Result<std::vector<std::optional<Schema>>> RecordedSchemas(SqlConnection& sql, Dataset& output,
                                                           const Schema& planned) {
  MORTAR_ASSIGN_OR_RETURN(auto actual, sql.DescribeTable(*output.SqlTable()));
  return std::vector<std::optional<Schema>>{actual ? *actual : planned};
}

void LogReplaced(RecipeRun& run, int64_t rows, const std::string& what) {
  Dataset& output = *run.outputs.front();
  if (rows >= 0) {
    run.log.Info("wrote " + FormatCount(rows) + " " + what + " into " + output.name());
  } else {
    run.log.Info("replaced the table of " + output.name());
  }
}

namespace {

Result<WriteMode> ModeOf(const config::RecipeConfig& recipe) {
  config::ConfigObject params(recipe.params, recipe.file, "params");
  MORTAR_ASSIGN_OR_RETURN(std::string mode,
                          params.ChoiceOr("mode", {"replace", "append"}, "replace"));
  return mode == "append" ? WriteMode::kAppend : WriteMode::kReplace;
}

class SyncRecipe final : public RecipeType {
 public:
  std::string_view name() const override { return "sync"; }
  Status Validate(const config::RecipeConfig& recipe) const override {
    MORTAR_RETURN_IF_ERROR(ExpectCounts(recipe, 1, 1));
    config::ConfigObject params(recipe.params, recipe.file, "params");
    MORTAR_RETURN_IF_ERROR(params.CheckObject({"mode"}));
    return ModeOf(recipe).status();
  }
};

class StreamingSyncEngine final : public Engine {
 public:
  std::string_view name() const override { return "streaming"; }
  std::string_view recipe_type() const override { return "sync"; }
  Status CanRun(const RecipeRun&) const override { return Status::OK(); }

  Status Run(RecipeRun& run) const override {
    MORTAR_ASSIGN_OR_RETURN(WriteMode mode, ModeOf(run.recipe));
    Dataset& input = *run.inputs.front();
    Dataset& output = *run.outputs.front();
    MORTAR_ASSIGN_OR_RETURN(auto reader, input.Read(ReadOptions{}));
    Schema schema = reader->schema();
    MORTAR_ASSIGN_OR_RETURN(auto writer, output.OpenWriter(schema, mode));
    writer->set_log([&run](const std::string& line) { run.log.Info(line); });
    auto progress = run.log.StartProgress("sync " + input.name() + " -> " + output.name());
    MORTAR_ASSIGN_OR_RETURN(CopyStats stats, CopyBatches(*reader, *writer, progress.get()));
    progress->Finish();
    run.log.Info("wrote " + FormatCount(stats.rows) + " rows into " + output.name());
    run.output_schemas = {schema};
    run.rows_written = stats.rows;
    return Status::OK();
  }
};

}  // namespace

void RegisterSyncRecipe(Registry& registry) {
  registry.AddRecipeType(std::make_unique<SyncRecipe>());
  registry.AddEngine(std::make_unique<StreamingSyncEngine>());
}

}  // namespace mortar::recipes
