// The split recipe: one input, several outputs. Each row goes to the output of the
// first rule it matches (a condition, or a value of a column), else to the
// "otherwise" output, else nowhere. Each output is one query over a step that
// numbers the matching rule of every row.
#include <algorithm>

#include "mortar/sql/expression.h"
#include "recipes/builtin_recipes.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

namespace {

using config::ConfigObject;

struct Rule {
  ConfigObject object;
  std::string output;
};

Result<std::vector<Rule>> Rules(const config::RecipeConfig& recipe) {
  if (recipe.inputs.size() != 1 || recipe.outputs.empty()) {
    return Status::Invalid(recipe.file +
                           ": a split recipe takes one input and one or more outputs");
  }
  ConfigObject params(recipe.params, recipe.file, "params");
  MORTAR_RETURN_IF_ERROR(params.CheckObject({"column", "rules", "otherwise"}));
  MORTAR_ASSIGN_OR_RETURN(auto rules, params.Array("rules"));
  std::vector<Rule> out;
  auto check_output = [&](const ConfigObject& object,
                          const std::string& key) -> Result<std::string> {
    MORTAR_ASSIGN_OR_RETURN(std::string output, object.String(key));
    if (std::find(recipe.outputs.begin(), recipe.outputs.end(), output) == recipe.outputs.end()) {
      return object.Error(key, "'" + output + "' is not one of the recipe's outputs");
    }
    return output;
  };
  for (const auto& rule : rules) {
    MORTAR_RETURN_IF_ERROR(rule.CheckObject({"expression", "value", "output"}));
    if (params.Has("column") == rule.Has("expression") ||
        params.Has("column") != rule.Has("value")) {
      return rule.Error("output", params.Has("column")
                                      ? "with a split column, each rule gives a value"
                                      : "each rule gives an expression (or set \"column\" and "
                                        "give values)");
    }
    MORTAR_ASSIGN_OR_RETURN(std::string output, check_output(rule, "output"));
    out.push_back({rule, output});
  }
  if (params.Has("otherwise")) {
    MORTAR_ASSIGN_OR_RETURN(std::string output, check_output(params, "otherwise"));
    out.push_back({params, output});
  }
  for (const auto& output : recipe.outputs) {
    if (std::none_of(out.begin(), out.end(), [&](const Rule& r) { return r.output == output; })) {
      return params.Error("rules", "no rule sends rows to the output '" + output + "'");
    }
  }
  return out;
}

class SplitRecipe final : public VisualRecipe {
 public:
  std::string_view name() const override { return "split"; }

  Status Validate(const config::RecipeConfig& recipe) const override {
    return Rules(recipe).status();
  }

  Result<std::vector<CompiledOutput>> Compile(const config::RecipeConfig& recipe,
                                              const sql::Dialect& dialect,
                                              const std::vector<SqlInput>& inputs) const override {
    MORTAR_ASSIGN_OR_RETURN(auto rules, Rules(recipe));
    ConfigObject params(recipe.params, recipe.file, "params");
    const Schema& input = inputs.front().schema;
    std::string column_sql;
    const Column* column = nullptr;
    if (params.Has("column")) {
      MORTAR_ASSIGN_OR_RETURN(std::string name, params.String("column"));
      auto found = FindColumn(input, name);
      if (!found.ok()) return params.Error("column", found.status().message());
      column = *found;
      column_sql = dialect.QuoteIdentifier(column->name);
    }
    // Rule k (from 1) matches; 0 for none. A NULL condition never matches.
    std::string which = "CASE";
    bool has_otherwise = params.Has("otherwise");
    std::size_t conditions = rules.size() - (has_otherwise ? 1 : 0);
    for (std::size_t k = 0; k < conditions; ++k) {
      const ConfigObject& rule = rules[k].object;
      std::string condition;
      if (column != nullptr) {
        MORTAR_ASSIGN_OR_RETURN(std::string value, ScalarText(rule, "value"));
        auto literal = sql::ValueLiteral(dialect, value, column->type);
        if (!literal.ok()) return rule.Error("value", literal.status().message());
        condition = column_sql + " = " + *literal;
      } else {
        MORTAR_ASSIGN_OR_RETURN(std::string formula, rule.String("expression"));
        auto compiled = sql::CompileCondition(formula, dialect, input);
        if (!compiled.ok()) return rule.Error("expression", compiled.status().message());
        condition = *compiled;
      }
      which += "\n    WHEN " + condition + " THEN " + std::to_string(k + 1);
    }
    which += "\n    ELSE 0\n  END";
    const std::string rule_column = "__rule";
    if (input.IndexOf(rule_column)) {
      return RecipeError(recipe, Status::Invalid("the input has a column named '" + rule_column +
                                                 "', which the split recipe needs for itself"));
    }
    std::vector<CompiledOutput> outputs;
    for (const auto& output : recipe.outputs) {
      sql::QueryBuilder query(dialect, inputs.front().source, input);
      std::vector<std::string> items = query.PassThrough();
      items.push_back(which + " AS " + dialect.QuoteIdentifier(rule_column));
      Schema numbered = input;
      numbered.Add(Column{rule_column, Type::Int64(), false});
      query.AddSelect("rule", items, numbered);
      std::string matching;
      for (std::size_t k = 0; k < rules.size(); ++k) {
        if (rules[k].output != output) continue;
        std::string number = k < conditions ? std::to_string(k + 1) : "0";
        matching += (matching.empty() ? "" : ", ") + number;
      }
      items = query.PassThrough();
      items.pop_back();
      query.AddSelect("output", items, input,
                      "WHERE " + dialect.QuoteIdentifier(rule_column) + " IN (" + matching + ")");
      outputs.push_back({query.ToSql(), query.schema()});
    }
    return outputs;
  }
};

}  // namespace

std::shared_ptr<const VisualRecipe> MakeSplitRecipe() {
  return std::make_shared<SplitRecipe>();
}

}  // namespace mortar::recipes
