// The distinct recipe: the distinct rows of the input (or of some of its columns),
// optionally with how many input rows each stands for.
#include "recipes/builtin_recipes.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

namespace {

using config::ConfigObject;

class DistinctRecipe final : public VisualRecipe {
 public:
  std::string_view name() const override { return "distinct"; }

  Status Validate(const config::RecipeConfig& recipe) const override {
    MORTAR_RETURN_IF_ERROR(ExpectCounts(recipe, 1, 1));
    return ConfigObject(recipe.params, recipe.file, "params")
        .CheckObject({"columns", "count_column"});
  }

  Result<std::vector<CompiledOutput>> Compile(const config::RecipeConfig& recipe,
                                              const sql::Dialect& dialect,
                                              const std::vector<SqlInput>& inputs) const override {
    MORTAR_RETURN_IF_ERROR(Validate(recipe));
    ConfigObject params(recipe.params, recipe.file, "params");
    const Schema& input = inputs.front().schema;
    MORTAR_ASSIGN_OR_RETURN(auto names, params.StringsOr("columns", input.Names()));
    if (names.empty()) return params.Error("columns", "list at least one column");
    std::vector<std::string> items;
    Schema output;
    for (const auto& name : names) {
      auto column = FindColumn(input, name);
      if (!column.ok()) return params.Error("columns", column.status().message());
      items.push_back(dialect.QuoteIdentifier((*column)->name));
      output.Add(**column);
    }
    MORTAR_ASSIGN_OR_RETURN(std::string count, params.StringOr("count_column", ""));
    sql::QueryBuilder query(dialect, inputs.front().source, input);
    if (count.empty()) {
      query.Add("distinct",
                "SELECT DISTINCT\n  " + sql::JoinLines(items) + "\nFROM " + query.from(), output);
    } else {
      if (output.IndexOf(count)) {
        return params.Error("count_column", "a column is already named '" + count + "'");
      }
      if (Status check = CheckOutputName(dialect, count); !check.ok()) {
        return params.Error("count_column", check.message());
      }
      std::vector<std::string> with_count = items;
      with_count.push_back("COUNT(*) AS " + dialect.QuoteIdentifier(count));
      output.Add(Column{count, Type::Int64(), false});
      std::string group_by;
      for (const auto& item : items) group_by += (group_by.empty() ? "" : ", ") + item;
      query.AddSelect("distinct", with_count, output, "GROUP BY " + group_by);
    }
    return std::vector<CompiledOutput>{{query.ToSql(), query.schema()}};
  }
};

}  // namespace

std::shared_ptr<const VisualRecipe> MakeDistinctRecipe() {
  return std::make_shared<DistinctRecipe>();
}

}  // namespace mortar::recipes
