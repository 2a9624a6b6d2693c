// The sort recipe: the rows in an order, with where NULLs go said explicitly for
// every database. The order is kept where the output keeps row order (SQLite tables,
// files); Delta tables do not promise an order to their readers. The local engine is
// an external merge sort of Arrow batches (external_sort.h).
#include "mortar/core/progress.h"
#include "recipes/builtin_recipes.h"
#include "recipes/external_sort.h"
#include "recipes/sort_engine.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

namespace {

using config::ConfigObject;

class SortRecipe final : public VisualRecipe {
 public:
  std::string_view name() const override { return "sort"; }

  Status Validate(const config::RecipeConfig& recipe) const override {
    MORTAR_RETURN_IF_ERROR(ExpectCounts(recipe, 1, 1));
    ConfigObject params(recipe.params, recipe.file, "params");
    MORTAR_RETURN_IF_ERROR(params.CheckObject({"order_by"}));
    MORTAR_ASSIGN_OR_RETURN(auto order, ParseOrder(params, "order_by"));
    if (order.empty()) return params.Error("order_by", "list at least one column");
    return Status::OK();
  }

  Result<std::vector<CompiledOutput>> Compile(const config::RecipeConfig& recipe,
                                              const sql::Dialect& dialect,
                                              const std::vector<SqlInput>& inputs) const override {
    MORTAR_RETURN_IF_ERROR(Validate(recipe));
    ConfigObject params(recipe.params, recipe.file, "params");
    MORTAR_ASSIGN_OR_RETURN(auto order, ParseOrder(params, "order_by"));
    auto order_sql = OrderSql(order, dialect, inputs.front().schema);
    if (!order_sql.ok()) return params.Error("order_by", order_sql.status().message());
    sql::QueryBuilder query(dialect, inputs.front().source, inputs.front().schema);
    query.AddSelect("sort", query.PassThrough(), query.schema(), "ORDER BY " + *order_sql);
    return std::vector<CompiledOutput>{{query.ToSql(), query.schema()}};
  }

  std::unique_ptr<Engine> LocalEngine(std::shared_ptr<const VisualRecipe> self) const override {
    return MakeLocalSortEngine(std::move(self));
  }
};

// The input streamed through an external sort into the output; the scratch database
// when a key is a nested value.
class LocalSortEngine final : public Engine {
 public:
  LocalSortEngine(std::shared_ptr<const VisualRecipe> recipe, SortBounds bounds)
      : recipe_(std::move(recipe)), bounds_(bounds) {}
  std::string_view name() const override { return "local"; }
  std::string_view recipe_type() const override { return "sort"; }
  Status CanRun(const RecipeRun&) const override { return Status::OK(); }

  Status Run(RecipeRun& run) const override {
    MORTAR_RETURN_IF_ERROR(recipe_->Validate(run.recipe));
    ConfigObject params(run.recipe.params, run.recipe.file, "params");
    MORTAR_ASSIGN_OR_RETURN(auto order, ParseOrder(params, "order_by"));
    Dataset& input = *run.inputs.front();
    MORTAR_ASSIGN_OR_RETURN(auto reader, input.Read(ReadOptions{}));
    Schema schema = reader->schema();
    MORTAR_ASSIGN_OR_RETURN(auto keys, SortKeysFor(params, "order_by", order, schema));
    if (!keys) {
      reader.reset();
      return RunOnScratchDatabase(run, *recipe_);
    }
    MORTAR_ASSIGN_OR_RETURN(auto sorted,
                            SortInput(run, std::move(reader), std::move(*keys), bounds_));
    return WriteLocalOutput(
        run, schema, "sort -> " + run.outputs.front()->name(),
        [&sorted]() { return sorted->Next(); }, "rows");
  }

 private:
  std::shared_ptr<const VisualRecipe> recipe_;
  SortBounds bounds_;
};

}  // namespace

Result<std::unique_ptr<SortedBatches>> SortInput(RecipeRun& run,
                                                 std::unique_ptr<BatchReader> reader,
                                                 std::vector<SortKeyColumn> keys,
                                                 SortBounds bounds) {
  std::string recipe_type = run.recipe.type;
  MORTAR_ASSIGN_OR_RETURN(auto sort, ExternalSort::Make(reader->schema().ToArrow(), std::move(keys),
                                                        ScratchFolder(run), recipe_type, bounds));
  auto progress = run.log.StartProgress("sort " + run.inputs.front()->name());
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
    if (!batch) break;
    progress->Add(batch->num_rows());
    MORTAR_RETURN_IF_ERROR(sort->Add(std::move(batch)));
  }
  progress->Finish();
  reader.reset();
  MORTAR_ASSIGN_OR_RETURN(auto sorted, sort->Finish());
  if (sort->spilled_runs() > 0) {
    run.log.Info(recipe_type + ": merged " + std::to_string(sort->spilled_runs()) +
                 " sorted runs from the scratch folder");
  }
  return sorted;
}

Result<std::optional<std::vector<SortKeyColumn>>> SortKeysFor(const ConfigObject& params,
                                                              const std::string& key,
                                                              const std::vector<OrderItem>& order,
                                                              const Schema& schema) {
  std::vector<SortKeyColumn> keys;
  for (const auto& item : order) {
    auto column = FindColumn(schema, item.column);
    if (!column.ok()) return params.Error(key, column.status().message());
    int index = static_cast<int>(*schema.IndexOf((*column)->name));
    if (!CanSortBy(*(*column)->type.ToArrow())) return std::optional<std::vector<SortKeyColumn>>();
    keys.push_back({index, item.descending, item.nulls_first});
  }
  return std::optional<std::vector<SortKeyColumn>>(std::move(keys));
}

std::unique_ptr<Engine> MakeLocalSortEngine(std::shared_ptr<const VisualRecipe> sort,
                                            SortBounds bounds) {
  return std::make_unique<LocalSortEngine>(std::move(sort), bounds);
}

std::shared_ptr<const VisualRecipe> MakeSortRecipe() {
  return std::make_shared<SortRecipe>();
}

}  // namespace mortar::recipes
