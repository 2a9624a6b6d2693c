// The sort recipe: the rows in an order, with where NULLs go said explicitly for
// every database. The order is kept where the output keeps row order (SQLite tables,
// files); Delta tables do not promise an order to their readers.
#include "recipes/builtin_recipes.h"
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
};

}  // namespace

std::shared_ptr<const VisualRecipe> MakeSortRecipe() {
  return std::make_shared<SortRecipe>();
}

}  // namespace mortar::recipes
