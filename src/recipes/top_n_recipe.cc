// The top N recipe: the first N rows in an order, overall or per group, optionally
// with each row's rank.
#include "recipes/builtin_recipes.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

namespace {

using config::ConfigObject;

class TopNRecipe final : public VisualRecipe {
 public:
  std::string_view name() const override { return "top_n"; }

  Status Validate(const config::RecipeConfig& recipe) const override {
    MORTAR_RETURN_IF_ERROR(ExpectCounts(recipe, 1, 1));
    ConfigObject params(recipe.params, recipe.file, "params");
    MORTAR_RETURN_IF_ERROR(params.CheckObject({"n", "order_by", "partition_by", "rank_column"}));
    MORTAR_ASSIGN_OR_RETURN(int64_t n, params.IntegerOr("n", -1));
    if (n < 0) return params.Error("n", "give how many rows to keep (0 or more)");
    MORTAR_ASSIGN_OR_RETURN(auto order, ParseOrder(params, "order_by"));
    if (order.empty()) return params.Error("order_by", "top N needs an order");
    return Status::OK();
  }

  Result<std::vector<CompiledOutput>> Compile(const config::RecipeConfig& recipe,
                                              const sql::Dialect& dialect,
                                              const std::vector<SqlInput>& inputs) const override {
    MORTAR_RETURN_IF_ERROR(Validate(recipe));
    ConfigObject params(recipe.params, recipe.file, "params");
    const Schema& input = inputs.front().schema;
    MORTAR_ASSIGN_OR_RETURN(int64_t n, params.IntegerOr("n", -1));
    MORTAR_ASSIGN_OR_RETURN(auto order, ParseOrder(params, "order_by"));
    auto order_sql = OrderSql(order, dialect, input);
    if (!order_sql.ok()) return params.Error("order_by", order_sql.status().message());
    MORTAR_ASSIGN_OR_RETURN(std::string partition,
                            PartitionSql(params, "partition_by", dialect, input));
    MORTAR_ASSIGN_OR_RETURN(std::string rank_column, params.StringOr("rank_column", ""));
    if (!rank_column.empty()) {
      if (input.IndexOf(rank_column)) {
        return params.Error("rank_column", "a column is already named '" + rank_column + "'");
      }
      if (Status check = CheckOutputName(dialect, rank_column); !check.ok()) {
        return params.Error("rank_column", check.message());
      }
    }
    sql::QueryBuilder query(dialect, inputs.front().source, input);
    const std::string rank = "__rank";
    std::vector<std::string> items = query.PassThrough();
    items.push_back("ROW_NUMBER() OVER (" +
                    (partition.empty() ? "" : "PARTITION BY " + partition + " ") + "ORDER BY " +
                    *order_sql + ") AS " + dialect.QuoteIdentifier(rank));
    Schema ranked = input;
    ranked.Add(Column{rank, Type::Int64(), false});
    query.AddSelect("rank", items, ranked);
    items = query.PassThrough();
    items.pop_back();
    Schema output = input;
    if (!rank_column.empty()) {
      items.push_back(query.Item(dialect.QuoteIdentifier(rank), rank_column));
      output.Add(Column{rank_column, Type::Int64(), false});
    }
    query.AddSelect("top", items, output,
                    "WHERE " + dialect.QuoteIdentifier(rank) + " <= " + std::to_string(n));
    return std::vector<CompiledOutput>{{query.ToSql(), query.schema()}};
  }
};

}  // namespace

std::shared_ptr<const VisualRecipe> MakeTopNRecipe() {
  return std::make_shared<TopNRecipe>();
}

}  // namespace mortar::recipes
