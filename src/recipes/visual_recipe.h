// Visual recipes: recipe types defined as data (prepare, filter, window, join, ...)
// that compile to one SQL query per output in any dialect. One registration gives
// each of them two engines: in-database (the queries run where the data is) and
// local (the inputs streamed into a scratch SQLite database on disk, the same
// queries run there, the results streamed out). Implementations are stateless.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mortar/recipes/recipe.h"
#include "mortar/recipes/registry.h"
#include "mortar/sql/query.h"

namespace mortar::recipes {

// One input as the compiled SQL reads it.
struct SqlInput {
  std::string name;    // the dataset's name
  std::string source;  // a quoted table name or a subquery
  Schema schema;
};

struct CompiledOutput {
  std::string sql;
  Schema schema;
};

class VisualRecipe {
 public:
  virtual ~VisualRecipe() = default;
  virtual std::string_view name() const = 0;
  // Checks the definition (params, number of inputs and outputs) without data.
  virtual Status Validate(const config::RecipeConfig& recipe) const = 0;
  // One query per output of the recipe, in its order.
  virtual Result<std::vector<CompiledOutput>> Compile(
      const config::RecipeConfig& recipe, const sql::Dialect& dialect,
      const std::vector<SqlInput>& inputs) const = 0;
  // Fills in what the definition leaves to the data (pivot values), asking the
  // database that will run the queries. The default changes nothing.
  virtual Result<config::RecipeConfig> Resolve(const config::RecipeConfig& recipe,
                                               SqlConnection& sql,
                                               const std::vector<SqlInput>& inputs) const {
    (void)sql;
    (void)inputs;
    return recipe;
  }
  // The recipe's own local engine when it has one faster than the scratch SQLite
  // engine (group: an Acero hash aggregation); null for the scratch engine. `self` is
  // this recipe, for the engine to hold.
  virtual std::unique_ptr<Engine> LocalEngine(std::shared_ptr<const VisualRecipe> self) const {
    (void)self;
    return nullptr;
  }
};

// The SQL of a compiled recipe as `recipe show --sql` prints it: the query, or for
// several outputs each query after a comment naming its output.
std::string ExplainText(const std::vector<CompiledOutput>& outputs,
                        const std::vector<std::string>& output_names);

// Registers the recipe type and its engines: in-database, then `local` (the scratch
// SQLite engine when null).
void RegisterVisualRecipe(Registry& registry, std::shared_ptr<const VisualRecipe> recipe,
                          std::unique_ptr<Engine> local = nullptr);

// Runs the recipe on the local engine: inputs copied into a scratch SQLite file
// beside the job's log (or in the temporary folder), queries run there, results
// streamed into the outputs. Memory stays bounded by a few batches.
Status RunOnScratchDatabase(RecipeRun& run, const VisualRecipe& recipe);

// The folder for a local engine's scratch files: beside the job's log, else the
// temporary folder.
std::filesystem::path ScratchFolder(const RecipeRun& run);

// A local engine's rows written into the run's only output, replacing it: each batch
// `next` gives (null at the end) with `schema`'s names and types. A failure aborts the
// write and leaves the output as it was. Logs and records the rows ("wrote N <what>").
Status WriteLocalOutput(RecipeRun& run, const Schema& schema, const std::string& progress_label,
                        const std::function<Result<Batch>()>& next, const std::string& what);

// The visual recipes Mortar ships, one factory each.
std::shared_ptr<const VisualRecipe> MakeGroupRecipe();
std::shared_ptr<const VisualRecipe> MakePrepareRecipe();
std::shared_ptr<const VisualRecipe> MakeFilterRecipe();
std::shared_ptr<const VisualRecipe> MakeWindowRecipe();
std::shared_ptr<const VisualRecipe> MakeJoinRecipe();
std::shared_ptr<const VisualRecipe> MakeStackRecipe();
std::shared_ptr<const VisualRecipe> MakeDistinctRecipe();
std::shared_ptr<const VisualRecipe> MakeTopNRecipe();
std::shared_ptr<const VisualRecipe> MakeSortRecipe();
std::shared_ptr<const VisualRecipe> MakePivotRecipe();
std::shared_ptr<const VisualRecipe> MakeSplitRecipe();

// Every visual recipe Mortar ships (group, prepare, filter, ...).
std::vector<std::shared_ptr<const VisualRecipe>> BuiltinVisualRecipes();
// Registers them all, each with its engines.
void RegisterVisualRecipes(Registry& registry);

// Shared by the recipes' compilers: the error for a recipe's definition, prefixed
// with the recipe's file.
Status RecipeError(const config::RecipeConfig& recipe, const Status& status);

// The column of `name` in `schema` (exact name as the schema spells it), or an error
// listing the columns.
Result<const Column*> FindColumn(const Schema& schema, const std::string& name);
// The quoted name of the column `name`, checked against `schema`.
Result<std::string> ColumnSql(const sql::Dialect& dialect, const Schema& schema,
                              const std::string& name);

// The quoted columns a field lists, comma-separated ("" when absent).
Result<std::string> PartitionSql(const config::ConfigObject& params, const std::string& key,
                                 const sql::Dialect& dialect, const Schema& schema);

// An ordering: {"column": "x", "descending": false, "nulls": "first" | "last"}; nulls
// come last unless said otherwise, written out explicitly for every database.
struct OrderItem {
  std::string column;
  bool descending = false;
  bool nulls_first = false;
};
Result<std::vector<OrderItem>> ParseOrder(const config::ConfigObject& params,
                                          const std::string& key);
// "a ASC NULLS LAST, b DESC NULLS FIRST"
Result<std::string> OrderSql(const std::vector<OrderItem>& order, const sql::Dialect& dialect,
                             const Schema& schema);

// A JSON scalar (string, number, boolean) as text, for ValueLiteral.
Result<std::string> ScalarText(const config::ConfigObject& object, const std::string& key);
// A list of JSON scalars as text.
Result<std::vector<std::string>> ScalarTexts(const config::ConfigObject& object,
                                             const std::string& key);
// Checks an output column name against the dialect's limits.
Status CheckOutputName(const sql::Dialect& dialect, const std::string& name);

}  // namespace mortar::recipes
