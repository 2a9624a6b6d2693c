// The stack recipe: the rows of several inputs one after the other (UNION ALL),
// matching columns by name (a column missing from an input is NULL there) or by
// position (the first input names them). Numbers of different types stack as the
// wider type; other differing types are an error.
#include <algorithm>
#include <utility>

#include "recipes/builtin_recipes.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

namespace {

using config::ConfigObject;

Result<std::string> Mode(const config::RecipeConfig& recipe) {
  if (recipe.inputs.empty() || recipe.outputs.size() != 1) {
    return Status::Invalid(recipe.file +
                           ": a stack recipe takes one or more inputs and one output");
  }
  ConfigObject params(recipe.params, recipe.file, "params");
  MORTAR_RETURN_IF_ERROR(params.CheckObject({"mode", "origin_column"}));
  return params.ChoiceOr("mode", {"name", "position"}, "name");
}

// An integer or decimal type as the decimal (precision, scale) that holds it, as Spark
// widens them (int64 as decimal(20,0)); nothing for other types.
std::optional<std::pair<int, int>> AsDecimal(const Type& type) {
  switch (type.kind()) {
    case TypeKind::kInt8:
      return std::pair(3, 0);
    case TypeKind::kInt16:
      return std::pair(5, 0);
    case TypeKind::kInt32:
      return std::pair(10, 0);
    case TypeKind::kInt64:
      return std::pair(20, 0);
    case TypeKind::kDecimal:
      return std::pair(type.precision(), type.scale());
    default:
      return std::nullopt;
  }
}

// The type two inputs' columns stack as, or nothing when they cannot. Decimals stay
// exact: with another decimal or an integer they widen as Spark widens them, to the
// larger scale and the larger number of digits before the point (38 at most).
std::optional<Type> Widen(const Type& a, const Type& b) {
  if (a == b) return a;
  if (a.IsInteger() && b.IsInteger()) return Type::Int64();
  auto x = AsDecimal(a);
  auto y = AsDecimal(b);
  if (x && y) {
    int scale = std::max(x->second, y->second);
    int whole = std::max(x->first - x->second, y->first - y->second);
    return *Type::Decimal(std::min(38, whole + scale), std::min(38, scale));
  }
  if (a.IsNumeric() && b.IsNumeric()) return Type::Double();
  return std::nullopt;
}

class StackRecipe final : public VisualRecipe {
 public:
  std::string_view name() const override { return "stack"; }

  Status Validate(const config::RecipeConfig& recipe) const override {
    return Mode(recipe).status();
  }

  Result<std::vector<CompiledOutput>> Compile(const config::RecipeConfig& recipe,
                                              const sql::Dialect& dialect,
                                              const std::vector<SqlInput>& inputs) const override {
    MORTAR_ASSIGN_OR_RETURN(std::string mode, Mode(recipe));
    ConfigObject params(recipe.params, recipe.file, "params");
    MORTAR_ASSIGN_OR_RETURN(std::string origin, params.StringOr("origin_column", ""));
    bool by_name = mode == "name";
    // The output's columns: the union of names in order of appearance, or the first
    // input's columns.
    Schema output;
    for (const auto& input : inputs) {
      if (!by_name && input.schema.size() != inputs[0].schema.size()) {
        return RecipeError(
            recipe,
            Status::Invalid("stacking by position needs the same number of "
                            "columns; '" +
                            inputs[0].name + "' has " + std::to_string(inputs[0].schema.size()) +
                            ", '" + input.name + "' has " + std::to_string(input.schema.size())));
      }
      for (std::size_t c = 0; c < input.schema.size(); ++c) {
        const Column& column = input.schema[c];
        std::optional<std::size_t> at = by_name
                                            ? output.IndexOf(column.name)
                                            : (c < output.size() ? std::optional(c) : std::nullopt);
        if (!at) {
          output.Add(Column{column.name, column.type, true});
          continue;
        }
        auto wide = Widen(output[*at].type, column.type);
        if (!wide) {
          return RecipeError(
              recipe, Status::Invalid("type mismatch: column '" + output[*at].name + "' is " +
                                      output[*at].type.ToString() + " in one input and " +
                                      column.type.ToString() + " in '" + input.name + "'"));
        }
        std::vector<Column> columns = output.columns();
        columns[*at].type = *wide;
        output = Schema(std::move(columns));
      }
    }
    if (!origin.empty()) {
      if (output.IndexOf(origin)) {
        return params.Error("origin_column", "the inputs already have a column '" + origin + "'");
      }
      if (Status check = CheckOutputName(dialect, origin); !check.ok()) {
        return params.Error("origin_column", check.message());
      }
    }
    std::string select;
    for (const auto& input : inputs) {
      std::vector<std::string> items;
      for (std::size_t c = 0; c < output.size(); ++c) {
        const Column& out = output[c];
        std::optional<std::size_t> at = by_name ? input.schema.IndexOf(out.name) : std::optional(c);
        std::string expression;
        if (!at) {
          expression = dialect.Cast("NULL", out.type);
        } else {
          expression = dialect.QuoteIdentifier(input.schema[*at].name);
          if (!(input.schema[*at].type == out.type))
            expression = dialect.Cast(expression, out.type);
        }
        bool same_name = at && input.schema[*at].name == out.name;
        items.push_back(same_name && expression == dialect.QuoteIdentifier(out.name)
                            ? expression
                            : expression + " AS " + dialect.QuoteIdentifier(out.name));
      }
      if (!origin.empty()) {
        items.push_back(dialect.QuoteString(input.name) + " AS " + dialect.QuoteIdentifier(origin));
      }
      select += (select.empty() ? "" : "\nUNION ALL\n") + std::string("SELECT\n  ") +
                sql::JoinLines(items) + "\nFROM " + input.source;
    }
    if (!origin.empty()) output.Add(Column{origin, Type::String(), false});
    sql::QueryBuilder query(dialect, inputs[0].source, inputs[0].schema);
    query.Add("stack", select, output);
    return std::vector<CompiledOutput>{{query.ToSql(), query.schema()}};
  }
};

}  // namespace

std::shared_ptr<const VisualRecipe> MakeStackRecipe() {
  return std::make_shared<StackRecipe>();
}

}  // namespace mortar::recipes
