// The pivot recipe: one row per key, one column per (value of the pivot column,
// aggregation). The values are listed in the recipe, or else read from the data (its
// distinct values, up to a limit) just before the query is compiled.
#include <arrow/api.h>

#include <algorithm>

#include "mortar/core/cell_text.h"
#include "mortar/sql/expression.h"
#include "recipes/builtin_recipes.h"
#include "recipes/group_recipe.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

namespace {

using config::ConfigObject;

constexpr std::pair<std::string_view, sql::Aggregate> kFunctions[] = {
    {"count", sql::Aggregate::kCount},  {"count_distinct", sql::Aggregate::kCountDistinct},
    {"sum", sql::Aggregate::kSum},      {"avg", sql::Aggregate::kAvg},
    {"min", sql::Aggregate::kMin},      {"max", sql::Aggregate::kMax},
    {"stddev", sql::Aggregate::kStddev}};

Status CheckParams(const config::RecipeConfig& recipe) {
  MORTAR_RETURN_IF_ERROR(ExpectCounts(recipe, 1, 1));
  ConfigObject params(recipe.params, recipe.file, "params");
  MORTAR_RETURN_IF_ERROR(
      params.CheckObject({"keys", "column", "values", "max_values", "aggregations", "count"}));
  MORTAR_RETURN_IF_ERROR(params.String("column").status());
  MORTAR_ASSIGN_OR_RETURN(int64_t max_values, params.IntegerOr("max_values", 100));
  if (max_values < 1) return params.Error("max_values", "must be 1 or more");
  if (params.Has("values")) {
    MORTAR_ASSIGN_OR_RETURN(auto values, ScalarTexts(params, "values"));
    if (values.empty()) return params.Error("values", "list at least one value, or leave it out");
  }
  return Status::OK();
}

class PivotRecipe final : public VisualRecipe {
 public:
  std::string_view name() const override { return "pivot"; }

  Status Validate(const config::RecipeConfig& recipe) const override { return CheckParams(recipe); }

  // Without listed values, the distinct non-NULL values of the pivot column, in order,
  // at most max_values of them (more is an error: list the ones wanted).
  Result<config::RecipeConfig> Resolve(const config::RecipeConfig& recipe, SqlConnection& sql,
                                       const std::vector<SqlInput>& inputs) const override {
    MORTAR_RETURN_IF_ERROR(CheckParams(recipe));
    ConfigObject params(recipe.params, recipe.file, "params");
    if (params.Has("values")) return recipe;
    MORTAR_ASSIGN_OR_RETURN(std::string name, params.String("column"));
    auto column = FindColumn(inputs.front().schema, name);
    if (!column.ok()) return params.Error("column", column.status().message());
    MORTAR_ASSIGN_OR_RETURN(int64_t max_values, params.IntegerOr("max_values", 100));
    const sql::Dialect& dialect = sql.dialect();
    std::string quoted = dialect.QuoteIdentifier((*column)->name);
    MORTAR_ASSIGN_OR_RETURN(
        auto reader, sql.Query("SELECT DISTINCT " + quoted + " FROM " + inputs.front().source +
                               " WHERE " + quoted + " IS NOT NULL ORDER BY " + quoted + " LIMIT " +
                               std::to_string(max_values + 1)));
    config::Json values = config::Json::array();
    while (true) {
      MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
      if (!batch) break;
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        values.push_back(config::Json::parse(CellToJson(*batch->column(0), r)));
      }
    }
    if (static_cast<int64_t>(values.size()) > max_values) {
      return params.Error("values", "the column '" + (*column)->name + "' has more than " +
                                        std::to_string(max_values) +
                                        " values; list the ones that become columns, or raise "
                                        "max_values");
    }
    if (values.empty()) return params.Error("column", "has no value to pivot on");
    config::RecipeConfig resolved = recipe;
    resolved.params["values"] = values;
    return resolved;
  }

  Result<std::vector<CompiledOutput>> Compile(const config::RecipeConfig& recipe,
                                              const sql::Dialect& dialect,
                                              const std::vector<SqlInput>& inputs) const override {
    MORTAR_RETURN_IF_ERROR(CheckParams(recipe));
    ConfigObject params(recipe.params, recipe.file, "params");
    const Schema& input = inputs.front().schema;
    std::vector<std::string> items;
    std::string group_by;
    Schema output;
    MORTAR_ASSIGN_OR_RETURN(auto keys, params.StringsOr("keys", {}));
    for (const auto& key : keys) {
      auto column = FindColumn(input, key);
      if (!column.ok()) return params.Error("keys", column.status().message());
      std::string quoted = dialect.QuoteIdentifier((*column)->name);
      items.push_back(quoted);
      group_by += (group_by.empty() ? "" : ", ") + quoted;
      output.Add(Column{(*column)->name, (*column)->type, true});
    }
    MORTAR_ASSIGN_OR_RETURN(std::string pivot_name, params.String("column"));
    auto pivot = FindColumn(input, pivot_name);
    if (!pivot.ok()) return params.Error("column", pivot.status().message());
    MORTAR_ASSIGN_OR_RETURN(auto values, ScalarTexts(params, "values"));

    // (source column or "" for a row count, function, output suffix)
    struct Measure {
      const Column* column;
      sql::Aggregate function;
      std::string suffix;
    };
    std::vector<Measure> measures;
    MORTAR_ASSIGN_OR_RETURN(bool count, params.BooleanOr("count", true));
    if (count) measures.push_back({nullptr, sql::Aggregate::kCount, "count"});
    if (params.Has("aggregations")) {
      MORTAR_ASSIGN_OR_RETURN(auto aggregations, params.Array("aggregations"));
      for (const auto& aggregation : aggregations) {
        MORTAR_RETURN_IF_ERROR(aggregation.CheckObject({"column", "functions"}));
        MORTAR_ASSIGN_OR_RETURN(std::string name, aggregation.String("column"));
        auto column = FindColumn(input, name);
        if (!column.ok()) return aggregation.Error("column", column.status().message());
        MORTAR_ASSIGN_OR_RETURN(auto functions, aggregation.StringsOr("functions", {}));
        for (const auto& function : functions) {
          const sql::Aggregate* found = nullptr;
          for (const auto& [function_name, aggregate] : kFunctions) {
            if (function_name == function) found = &aggregate;
          }
          if (found == nullptr) {
            return aggregation.Error("functions",
                                     "unknown function '" + function +
                                         "' (expected count, count_distinct, sum, avg, min, "
                                         "max, stddev)");
          }
          measures.push_back({*column, *found, (*column)->name + "_" + function});
        }
      }
    }
    if (measures.empty()) return params.Error("aggregations", "give at least one aggregation");
    std::size_t columns = output.size() + values.size() * measures.size();
    if (columns > dialect.MaxColumns()) {
      return params.Error("values", "the pivot would make " + std::to_string(columns) +
                                        " columns; " + std::string(dialect.name()) +
                                        " tables hold at most " +
                                        std::to_string(dialect.MaxColumns()));
    }
    std::string pivot_sql = dialect.QuoteIdentifier((*pivot)->name);
    for (const auto& value : values) {
      auto literal = sql::ValueLiteral(dialect, value, (*pivot)->type);
      if (!literal.ok()) return params.Error("values", literal.status().message());
      std::string when = "CASE WHEN " + pivot_sql + " = " + *literal + " THEN ";
      // Names compare without case in every database: a value whose columns would take
      // a name already made (SHIPPED after shipped) is numbered: SHIPPED_2_count.
      auto taken = [&](const std::string& label) {
        return std::any_of(measures.begin(), measures.end(), [&](const Measure& measure) {
          return output.IndexOf(label + "_" + measure.suffix).has_value();
        });
      };
      std::string label = value;
      for (int n = 2; taken(label); ++n) label = value + "_" + std::to_string(n);
      for (const auto& measure : measures) {
        std::string name = label + "_" + measure.suffix;
        if (Status check = CheckOutputName(dialect, name); !check.ok()) {
          return params.Error("values", check.message());
        }
        Type type = Type::Int64();
        Type argument_type = Type::Int64();
        std::string argument = when + "1 END";
        if (measure.column != nullptr) {
          auto aggregate_type = AggregateType(measure.function, *measure.column);
          if (!aggregate_type.ok())
            return params.Error("aggregations", aggregate_type.status().message());
          type = *aggregate_type;
          argument = when + dialect.QuoteIdentifier(measure.column->name) + " END";
          argument_type = measure.column->type;
        }
        items.push_back(dialect.AggregateCall(measure.function, argument, argument_type) + " AS " +
                        dialect.QuoteIdentifier(name));
        output.Add(Column{name, type, true});
      }
    }
    sql::QueryBuilder query(dialect, inputs.front().source, input);
    query.AddSelect("pivot", items, output, group_by.empty() ? "" : "GROUP BY " + group_by);
    return std::vector<CompiledOutput>{{query.ToSql(), query.schema()}};
  }
};

}  // namespace

std::shared_ptr<const VisualRecipe> MakePivotRecipe() {
  return std::make_shared<PivotRecipe>();
}

}  // namespace mortar::recipes
