// The sync recipe copies one dataset into another, streaming batches.
#include <arrow/record_batch.h>

#include "mortar/core/cell_text.h"
#include "mortar/core/interrupt.h"
#include "mortar/core/parse_integer.h"
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
    ReadOptions read;
    read.log = [&run](const std::string& line) { run.log.Info(line); };
    MORTAR_ASSIGN_OR_RETURN(auto reader, input.Read(read));
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

// A table or query of a SQL connection: whether its database loads or writes cloud
// files itself is the connection's to say (CanLoadCloudFiles, CanUnloadToCloud), not
// its type name's.
bool InDatabase(const Dataset& dataset) {
  return dataset.connection().AsSql() != nullptr;
}

// Files already on S3 or Azure Blob are loaded by Databricks itself (COPY INTO, or Spark SQL on the
// open-source server), in one step that leaves the output as it was if it fails: no
// row passes through Mortar and no staged copy is made.
class CloudToDatabricksEngine final : public Engine {
 public:
  std::string_view name() const override { return "cloud-to-databricks"; }
  std::string_view recipe_type() const override { return "sync"; }

  Status CanRun(const RecipeRun& run) const override {
    const Dataset& input = *run.inputs.front();
    Dataset& output = *run.outputs.front();
    if (!input.CloudFilesOf()) {
      return Status::Invalid(
          "the input '" + input.name() + "' is not a files dataset on cloud storage (connection '" +
          input.connection().name() + "' is of type '" + input.connection().type() + "')");
    }
    if (!InDatabase(output) || !output.SqlTable()) {
      return Status::Invalid(
          "the output '" + output.name() + "' is not a Databricks table (connection '" +
          output.connection().name() + "' is of type '" + output.connection().type() + "')");
    }
    return output.connection().AsSql()->CanLoadCloudFiles(*input.CloudFilesOf());
  }

  Status Run(RecipeRun& run) const override {
    MORTAR_ASSIGN_OR_RETURN(WriteMode mode, ModeOf(run.recipe));
    Dataset& input = *run.inputs.front();
    Dataset& output = *run.outputs.front();
    CloudFiles files = *input.CloudFilesOf();
    MORTAR_ASSIGN_OR_RETURN(bool exists, input.Exists());
    if (!exists) {
      return Status::NotFound("the input '" + input.name() + "' has no file at " +
                              files.location.Uri());
    }
    MORTAR_ASSIGN_OR_RETURN(Schema schema, input.schema());
    run.log.Info("cloud-to-databricks: " + output.connection().name() + " loads the " +
                 files.format + " file(s) at " + files.location.Uri() +
                 " itself; the output changes only when the load is complete");
    MORTAR_ASSIGN_OR_RETURN(
        int64_t rows, output.connection().AsSql()->LoadCloudFiles(
                          *output.SqlTable(), schema, files, mode, [&run](const std::string& line) {
                            run.log.Info("cloud-to-databricks: " + line);
                          }));
    LogReplaced(run, rows, "rows");
    run.output_schemas = {schema};
    run.rows_written = rows;
    return Status::OK();
  }
};

// A Databricks table or query is written as files on S3 or Azure Blob by Databricks itself (INSERT
// OVERWRITE DIRECTORY) under a staged prefix beside the output, which then replaces
// the output's files; the staged prefix is removed whatever happens.
class DatabricksToCloudEngine final : public Engine {
 public:
  std::string_view name() const override { return "databricks-to-cloud"; }
  std::string_view recipe_type() const override { return "sync"; }

  Status CanRun(const RecipeRun& run) const override {
    const Dataset& input = *run.inputs.front();
    const Dataset& output = *run.outputs.front();
    if (!InDatabase(input) || !input.SqlSource()) {
      return Status::Invalid(
          "the input '" + input.name() + "' is not a Databricks table or query (connection '" +
          input.connection().name() + "' is of type '" + input.connection().type() + "')");
    }
    auto files = output.CloudFilesOf();
    if (!files) {
      return Status::Invalid("the output '" + output.name() +
                             "' is not a files dataset on cloud storage (connection '" +
                             output.connection().name() + "' is of type '" +
                             output.connection().type() + "')");
    }
    auto mode = ModeOf(run.recipe);
    if (mode.ok() && *mode == WriteMode::kAppend) {
      return Status::Invalid("it replaces the output's files; it cannot append to them");
    }
    return input.connection().AsSql()->CanUnloadToCloud(*files);
  }

  Status Run(RecipeRun& run) const override {
    Dataset& input = *run.inputs.front();
    Dataset& output = *run.outputs.front();
    CloudFiles files = *output.CloudFilesOf();
    SqlConnection& sql = *input.connection().AsSql();
    MORTAR_ASSIGN_OR_RETURN(Schema schema, input.schema());
    MORTAR_ASSIGN_OR_RETURN(auto staging, output.StageCloudFiles());
    run.log.Info("databricks-to-cloud: " + input.connection().name() + " writes " + files.format +
                 " file(s) itself under " + staging->staged().Uri() + ", then they replace " +
                 files.location.Uri());
    std::string select = "SELECT * FROM " + *input.SqlSource();
    MORTAR_RETURN_IF_ERROR(sql.UnloadToCloud(
        select, files, staging->staged(),
        [&run](const std::string& line) { run.log.Info("databricks-to-cloud: " + line); }));
    MORTAR_RETURN_IF_ERROR(StopIfInterrupted());
    MORTAR_RETURN_IF_ERROR(staging->Commit());
    int64_t rows = -1;
    if (auto reader = sql.Query("SELECT COUNT(*) AS n FROM " + *input.SqlSource() + " AS src");
        reader.ok()) {
      auto batch = (*reader)->Next();
      if (batch.ok() && *batch && (*batch)->num_rows() > 0)
        rows = ParseInteger(CellToText(*(*batch)->column(0), 0)).value_or(-1);
    }
    LogReplaced(run, rows, "rows");
    run.output_schemas = {schema};
    run.rows_written = rows;
    return Status::OK();
  }
};

}  // namespace

void RegisterSyncRecipe(Registry& registry) {
  registry.AddRecipeType(std::make_unique<SyncRecipe>());
  // Tried in this order: the database-side engines when their conditions hold.
  registry.AddEngine(std::make_unique<CloudToDatabricksEngine>());
  registry.AddEngine(std::make_unique<DatabricksToCloudEngine>());
  registry.AddEngine(std::make_unique<StreamingSyncEngine>());
}

}  // namespace mortar::recipes
