// The filter and sample recipe: rows matching a formula (or, for what formulas do not
// cover, a condition in the database's own SQL), then optionally the first N rows in
// a given order, or a random ratio of them.
#include "mortar/sql/expression.h"
#include "recipes/builtin_recipes.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

namespace {

using config::ConfigObject;

Status CheckParams(const ConfigObject& params) {
  MORTAR_RETURN_IF_ERROR(params.CheckObject({"expression", "sql", "head", "ratio", "order_by"}));
  if (params.Has("expression") && params.Has("sql")) {
    return params.Error("sql", "give either a formula (expression) or SQL, not both");
  }
  if (params.Has("head") && params.Has("ratio")) {
    return params.Error("ratio", "give either head or ratio, not both");
  }
  if (params.Has("sql")) {
    MORTAR_ASSIGN_OR_RETURN(std::string condition, params.String("sql"));
    // One condition: no statement may be smuggled after it.
    if (condition.find(';') != std::string::npos) {
      return params.Error("sql", "must be one condition, without ';'");
    }
  }
  return Status::OK();
}

class FilterRecipe final : public VisualRecipe {
 public:
  std::string_view name() const override { return "filter"; }

  Status Validate(const config::RecipeConfig& recipe) const override {
    MORTAR_RETURN_IF_ERROR(ExpectCounts(recipe, 1, 1));
    return CheckParams(ConfigObject(recipe.params, recipe.file, "params"));
  }

  Result<std::vector<CompiledOutput>> Compile(const config::RecipeConfig& recipe,
                                              const sql::Dialect& dialect,
                                              const std::vector<SqlInput>& inputs) const override {
    ConfigObject params(recipe.params, recipe.file, "params");
    MORTAR_RETURN_IF_ERROR(CheckParams(params));
    sql::QueryBuilder query(dialect, inputs.front().source, inputs.front().schema);
    if (params.Has("expression")) {
      MORTAR_ASSIGN_OR_RETURN(std::string formula, params.String("expression"));
      auto condition = sql::CompileCondition(formula, dialect, query.schema());
      if (!condition.ok()) return params.Error("expression", condition.status().message());
      query.AddSelect("filter", query.PassThrough(), query.schema(), "WHERE " + *condition);
    } else if (params.Has("sql")) {
      MORTAR_ASSIGN_OR_RETURN(std::string condition, params.String("sql"));
      query.AddSelect("filter", query.PassThrough(), query.schema(), "WHERE " + condition);
    }
    if (params.Has("ratio")) {
      if (!params.json()["ratio"].is_number()) return params.Error("ratio", "expected a number");
      double ratio = params.json()["ratio"].get<double>();
      if (!(ratio >= 0 && ratio <= 1)) return params.Error("ratio", "must be between 0 and 1");
      query.AddSelect("sample", query.PassThrough(), query.schema(),
                      "WHERE " + dialect.RandomBelow(ratio));
    }
    if (params.Has("head")) {
      MORTAR_ASSIGN_OR_RETURN(int64_t head, params.IntegerOr("head", 0));
      if (head < 0) return params.Error("head", "must be 0 or more");
      MORTAR_ASSIGN_OR_RETURN(auto order, ParseOrder(params, "order_by"));
      std::string rest;
      if (!order.empty()) {
        auto order_sql = OrderSql(order, dialect, query.schema());
        if (!order_sql.ok()) return params.Error("order_by", order_sql.status().message());
        rest = "ORDER BY " + *order_sql + "\n";
      }
      query.AddSelect("head", query.PassThrough(), query.schema(),
                      rest + "LIMIT " + std::to_string(head));
    }
    return std::vector<CompiledOutput>{{query.ToSql(), query.schema()}};
  }
};

}  // namespace

std::shared_ptr<const VisualRecipe> MakeFilterRecipe() {
  return std::make_shared<FilterRecipe>();
}

}  // namespace mortar::recipes
