#include "recipes/visual_recipe.h"

#include <filesystem>

#include "connectors/sqlite/scratch_database.h"
#include "mortar/core/interrupt.h"
#include "mortar/core/progress.h"
#include "mortar/sql/expression.h"
#include "recipes/builtin_recipes.h"

namespace mortar::recipes {

namespace {

namespace fs = std::filesystem;

class VisualRecipeType final : public RecipeType {
 public:
  explicit VisualRecipeType(std::shared_ptr<const VisualRecipe> recipe)
      : recipe_(std::move(recipe)) {}
  std::string_view name() const override { return recipe_->name(); }
  Status Validate(const config::RecipeConfig& recipe) const override {
    return recipe_->Validate(recipe);
  }

 private:
  std::shared_ptr<const VisualRecipe> recipe_;
};

// Every output is a table on the inputs' connection.
Status AllOnOneConnection(const RecipeRun& run) {
  MORTAR_RETURN_IF_ERROR(SameSqlConnection(run));
  for (Dataset* output : run.outputs) {
    if (!output->SqlTable()) {
      return Status::Invalid("the output '" + output->name() + "' is not a SQL table");
    }
    if (&output->connection() != &run.outputs.front()->connection()) {
      return Status::Invalid("the outputs '" + run.outputs.front()->name() + "' and '" +
                             output->name() + "' are on different connections");
    }
  }
  return Status::OK();
}

Result<std::vector<SqlInput>> DatabaseInputs(const RecipeRun& run) {
  std::vector<SqlInput> inputs;
  for (Dataset* input : run.inputs) {
    MORTAR_ASSIGN_OR_RETURN(Schema schema, input->schema());
    inputs.push_back({input->name(), *input->SqlSource(), std::move(schema)});
  }
  return inputs;
}

class InDatabaseEngine final : public Engine {
 public:
  explicit InDatabaseEngine(std::shared_ptr<const VisualRecipe> recipe)
      : recipe_(std::move(recipe)) {}
  std::string_view name() const override { return "in-database"; }
  std::string_view recipe_type() const override { return recipe_->name(); }
  Status CanRun(const RecipeRun& run) const override { return AllOnOneConnection(run); }

  Result<std::string> Explain(const RecipeRun& run) const override {
    MORTAR_ASSIGN_OR_RETURN(auto inputs, DatabaseInputs(run));
    SqlConnection* sql = run.outputs.front()->connection().AsSql();
    MORTAR_ASSIGN_OR_RETURN(config::RecipeConfig resolved,
                            recipe_->Resolve(run.recipe, *sql, inputs));
    MORTAR_ASSIGN_OR_RETURN(auto outputs, recipe_->Compile(resolved, sql->dialect(), inputs));
    std::vector<std::string> names;
    for (const Dataset* output : run.outputs) names.push_back(output->name());
    return ExplainText(outputs, names);
  }

  Status Run(RecipeRun& run) const override {
    MORTAR_ASSIGN_OR_RETURN(auto inputs, DatabaseInputs(run));
    SqlConnection* sql = run.outputs.front()->connection().AsSql();
    MORTAR_ASSIGN_OR_RETURN(config::RecipeConfig resolved,
                            recipe_->Resolve(run.recipe, *sql, inputs));
    MORTAR_ASSIGN_OR_RETURN(auto outputs, recipe_->Compile(resolved, sql->dialect(), inputs));
    run.output_schemas.clear();
    int64_t total = 0;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      Dataset& output = *run.outputs[i];
      run.log.Info("SQL for " + output.name() + ":\n" + outputs[i].sql);
      MORTAR_ASSIGN_OR_RETURN(
          int64_t rows,
          sql->ReplaceTableWithQuery(*output.SqlTable(), outputs[i].schema, outputs[i].sql));
      MORTAR_ASSIGN_OR_RETURN(auto actual, sql->DescribeTable(*output.SqlTable()));
      run.output_schemas.push_back(actual ? *actual : outputs[i].schema);
      if (rows >= 0) {
        run.log.Info("wrote " + FormatCount(rows) + " rows into " + output.name());
        total = total < 0 ? total : total + rows;
      } else {
        run.log.Info("replaced the table of " + output.name());
        total = -1;
      }
    }
    run.rows_written = total;
    return Status::OK();
  }

 private:
  std::shared_ptr<const VisualRecipe> recipe_;
};

class ScratchEngine final : public Engine {
 public:
  explicit ScratchEngine(std::shared_ptr<const VisualRecipe> recipe) : recipe_(std::move(recipe)) {}
  std::string_view name() const override { return "local"; }
  std::string_view recipe_type() const override { return recipe_->name(); }
  Status CanRun(const RecipeRun&) const override { return Status::OK(); }
  Status Run(RecipeRun& run) const override { return RunOnScratchDatabase(run, *recipe_); }

  // The SQLite queries the scratch database will run, each input copied into a table
  // of its name.
  Result<std::string> Explain(const RecipeRun& run) const override {
    const sql::Dialect& dialect = sql::SqliteDialect();
    std::vector<SqlInput> inputs;
    for (Dataset* input : run.inputs) {
      MORTAR_ASSIGN_OR_RETURN(Schema schema, input->schema());
      inputs.push_back({input->name(), dialect.QuoteIdentifier(input->name()), std::move(schema)});
    }
    MORTAR_ASSIGN_OR_RETURN(auto outputs, recipe_->Compile(run.recipe, dialect, inputs));
    std::vector<std::string> names;
    for (const Dataset* output : run.outputs) names.push_back(output->name());
    return "-- the local engine: the inputs are copied into a scratch SQLite database\n" +
           ExplainText(outputs, names);
  }

 private:
  std::shared_ptr<const VisualRecipe> recipe_;
};

}  // namespace

std::string ExplainText(const std::vector<CompiledOutput>& outputs,
                        const std::vector<std::string>& output_names) {
  if (outputs.size() == 1) return outputs.front().sql;
  std::string text;
  for (std::size_t i = 0; i < outputs.size() && i < output_names.size(); ++i) {
    text += (i > 0 ? ";\n\n" : "") + std::string("-- output ") + output_names[i] + "\n" +
            outputs[i].sql;
  }
  return text + ";";
}

Status RecipeError(const config::RecipeConfig& recipe, const Status& status) {
  if (status.ok()) return status;
  return status.WithContext(recipe.file.empty() ? "recipe '" + recipe.name + "'" : recipe.file);
}

Result<const Column*> FindColumn(const Schema& schema, const std::string& name) {
  auto index = schema.IndexOf(name);
  if (!index) {
    return Status::Invalid("unknown column '" + name + "' (the columns are: " + schema.ToString() +
                           ")");
  }
  return &schema[*index];
}

Result<std::string> ColumnSql(const sql::Dialect& dialect, const Schema& schema,
                              const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(const Column* column, FindColumn(schema, name));
  return dialect.QuoteIdentifier(column->name);
}

Result<std::string> PartitionSql(const config::ConfigObject& params, const std::string& key,
                                 const sql::Dialect& dialect, const Schema& schema) {
  MORTAR_ASSIGN_OR_RETURN(auto names, params.StringsOr(key, {}));
  std::string partition;
  for (const auto& name : names) {
    auto column = ColumnSql(dialect, schema, name);
    if (!column.ok()) return params.Error(key, column.status().message());
    partition += (partition.empty() ? "" : ", ") + *column;
  }
  return partition;
}

Result<std::vector<OrderItem>> ParseOrder(const config::ConfigObject& params,
                                          const std::string& key) {
  std::vector<OrderItem> order;
  if (!params.Has(key)) return order;
  MORTAR_ASSIGN_OR_RETURN(auto items, params.Array(key));
  for (const auto& item : items) {
    MORTAR_RETURN_IF_ERROR(item.CheckObject({"column", "descending", "nulls"}));
    OrderItem entry;
    MORTAR_ASSIGN_OR_RETURN(entry.column, item.String("column"));
    MORTAR_ASSIGN_OR_RETURN(entry.descending, item.BooleanOr("descending", false));
    MORTAR_ASSIGN_OR_RETURN(std::string nulls, item.ChoiceOr("nulls", {"first", "last"}, "last"));
    entry.nulls_first = nulls == "first";
    order.push_back(std::move(entry));
  }
  return order;
}

Result<std::string> OrderSql(const std::vector<OrderItem>& order, const sql::Dialect& dialect,
                             const Schema& schema) {
  std::string text;
  for (const auto& item : order) {
    MORTAR_ASSIGN_OR_RETURN(std::string column, ColumnSql(dialect, schema, item.column));
    text += (text.empty() ? "" : ", ") + column + (item.descending ? " DESC" : " ASC") +
            (item.nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  return text;
}

namespace {

Result<std::string> JsonScalarText(const config::ConfigObject& object, const std::string& key,
                                   const config::Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return std::string(value.get<bool>() ? "true" : "false");
  if (value.is_number()) return value.dump();
  return object.Error(key, "expected a string, a number or a boolean");
}

}  // namespace

Result<std::string> ScalarText(const config::ConfigObject& object, const std::string& key) {
  if (!object.Has(key)) return object.Error(key, "is missing");
  return JsonScalarText(object, key, object.json()[key]);
}

Result<std::vector<std::string>> ScalarTexts(const config::ConfigObject& object,
                                             const std::string& key) {
  if (!object.Has(key) || !object.json()[key].is_array()) {
    return object.Error(key, "expected a list of values");
  }
  std::vector<std::string> values;
  for (const auto& value : object.json()[key]) {
    MORTAR_ASSIGN_OR_RETURN(std::string text, JsonScalarText(object, key, value));
    values.push_back(std::move(text));
  }
  return values;
}

Status CheckOutputName(const sql::Dialect& dialect, const std::string& name) {
  std::string problem = dialect.ColumnNameProblem(name);
  if (problem.empty()) return Status::OK();
  return Status::Invalid("output column '" + name + "' cannot be created on " +
                         std::string(dialect.name()) + ": " + problem);
}

fs::path ScratchFolder(const RecipeRun& run) {
  return run.log.path().empty() ? fs::temp_directory_path() : run.log.path().parent_path();
}

Status WriteLocalOutput(RecipeRun& run, const Schema& schema, const std::string& progress_label,
                        const std::function<Result<Batch>()>& next, const std::string& what) {
  Dataset& output = *run.outputs.front();
  MORTAR_ASSIGN_OR_RETURN(auto writer, output.OpenWriter(schema, WriteMode::kReplace));
  writer->set_log([&run](const std::string& line) { run.log.Info(line); });
  auto progress = run.log.StartProgress(progress_label);
  auto arrow_schema = schema.ToArrow();
  int64_t rows = 0;
  while (true) {
    Result<Batch> batch = next();
    Status written = batch.status();
    // Polled after every batch, the last (end of input) too: an interrupted build
    // replaces nothing.
    if (written.ok()) written = StopIfInterrupted();
    if (written.ok() && *batch == nullptr) break;
    if (written.ok()) {
      written = writer->Write(
          *arrow::RecordBatch::Make(arrow_schema, (*batch)->num_rows(), (*batch)->columns()));
    }
    if (!written.ok()) {
      writer->Abort();
      return written;
    }
    rows += (*batch)->num_rows();
    progress->Add((*batch)->num_rows());
  }
  MORTAR_RETURN_IF_ERROR(writer->Commit());
  progress->Finish();
  run.output_schemas = {schema};
  LogReplaced(run, rows, what);
  run.rows_written = rows;
  return Status::OK();
}

Status RunOnScratchDatabase(RecipeRun& run, const VisualRecipe& recipe) {
  sqlite::ScratchDatabase database(ScratchFolder(run), "scratch");
  sqlite::SqliteConnection& scratch = database.connection();
  const sql::Dialect& dialect = scratch.dialect();
  std::vector<SqlInput> inputs;
  for (Dataset* input : run.inputs) {
    MORTAR_ASSIGN_OR_RETURN(auto reader, input->Read(ReadOptions{}));
    Schema schema = reader->schema();
    sql::TableName table{"", "", input->name()};
    MORTAR_ASSIGN_OR_RETURN(auto writer,
                            scratch.OpenTableWriter(table, schema, WriteMode::kReplace));
    auto progress = run.log.StartProgress("read " + input->name());
    MORTAR_RETURN_IF_ERROR(CopyBatches(*reader, *writer, progress.get()).status());
    progress->Finish();
    inputs.push_back({input->name(), dialect.TableReference(table), std::move(schema)});
  }
  MORTAR_ASSIGN_OR_RETURN(config::RecipeConfig resolved,
                          recipe.Resolve(run.recipe, scratch, inputs));
  MORTAR_ASSIGN_OR_RETURN(auto outputs, recipe.Compile(resolved, dialect, inputs));
  run.output_schemas.clear();
  run.rows_written = 0;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    Dataset& output = *run.outputs[i];
    run.log.Info("SQL for " + output.name() + " (scratch SQLite):\n" + outputs[i].sql);
    // Materialised in a table so that the rows come back with the planned types.
    sql::TableName result{"", "", "__mortar_output_" + std::to_string(i)};
    MORTAR_RETURN_IF_ERROR(
        scratch.ReplaceTableWithQuery(result, outputs[i].schema, outputs[i].sql).status());
    MORTAR_ASSIGN_OR_RETURN(auto reader,
                            scratch.Query("SELECT * FROM " + dialect.TableReference(result)));
    MORTAR_ASSIGN_OR_RETURN(auto writer, output.OpenWriter(reader->schema(), WriteMode::kReplace));
    writer->set_log([&run](const std::string& line) { run.log.Info(line); });
    auto progress = run.log.StartProgress(std::string(recipe.name()) + " -> " + output.name());
    MORTAR_ASSIGN_OR_RETURN(CopyStats stats, CopyBatches(*reader, *writer, progress.get()));
    progress->Finish();
    run.log.Info("wrote " + FormatCount(stats.rows) + " rows into " + output.name());
    run.output_schemas.push_back(reader->schema());
    run.rows_written += stats.rows;
  }
  return Status::OK();
}

std::vector<std::shared_ptr<const VisualRecipe>> BuiltinVisualRecipes() {
  return {MakeGroupRecipe(), MakePrepareRecipe(), MakeFilterRecipe(),   MakeWindowRecipe(),
          MakeJoinRecipe(),  MakeStackRecipe(),   MakeDistinctRecipe(), MakeTopNRecipe(),
          MakeSortRecipe(),  MakePivotRecipe(),   MakeSplitRecipe()};
}

void RegisterVisualRecipes(Registry& registry) {
  for (auto& recipe : BuiltinVisualRecipes()) {
    auto local = recipe->LocalEngine(recipe);
    RegisterVisualRecipe(registry, std::move(recipe), std::move(local));
  }
}

void RegisterVisualRecipe(Registry& registry, std::shared_ptr<const VisualRecipe> recipe,
                          std::unique_ptr<Engine> local) {
  registry.AddRecipeType(std::make_unique<VisualRecipeType>(recipe));
  registry.AddEngine(std::make_unique<InDatabaseEngine>(recipe));
  registry.AddEngine(local ? std::move(local) : std::make_unique<ScratchEngine>(recipe));
}

}  // namespace mortar::recipes
