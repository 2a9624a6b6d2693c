#include "recipes/group_recipe.h"

#include <algorithm>

namespace mortar::recipes {

namespace {

struct FunctionName {
  std::string_view name;
  sql::Aggregate aggregate;
  std::string_view suffix;
};

constexpr FunctionName kFunctions[] = {
    {"count", sql::Aggregate::kCount, "count"},
    {"count_distinct", sql::Aggregate::kCountDistinct, "distinct"},
    {"sum", sql::Aggregate::kSum, "sum"},
    {"avg", sql::Aggregate::kAvg, "avg"},
    {"min", sql::Aggregate::kMin, "min"},
    {"max", sql::Aggregate::kMax, "max"},
};

}  // namespace

std::string_view AggregateName(sql::Aggregate aggregate) {
  if (aggregate == sql::Aggregate::kCountAll) return "count(*)";
  for (const auto& entry : kFunctions) {
    if (entry.aggregate == aggregate) return entry.name;
  }
  return "?";
}

Result<GroupSpec> GroupSpec::FromConfig(const config::RecipeConfig& recipe) {
  config::ConfigObject params(recipe.params, recipe.file, "params");
  MORTAR_RETURN_IF_ERROR(params.CheckObject({"keys", "aggregations", "count"}));
  GroupSpec spec;
  MORTAR_ASSIGN_OR_RETURN(spec.keys, params.StringsOr("keys", {}));
  MORTAR_ASSIGN_OR_RETURN(bool count, params.BooleanOr("count", true));
  if (count) spec.aggregations.push_back({"", sql::Aggregate::kCountAll, "count"});
  MORTAR_ASSIGN_OR_RETURN(auto aggregations, params.Array("aggregations"));
  for (const auto& entry : aggregations) {
    MORTAR_RETURN_IF_ERROR(entry.CheckObject({"column", "functions"}));
    MORTAR_ASSIGN_OR_RETURN(std::string column, entry.String("column"));
    MORTAR_ASSIGN_OR_RETURN(auto functions, entry.StringsOr("functions", {}));
    if (functions.empty())
      return entry.Error("functions",
                         "list at least one of count, count_distinct, sum, avg, min, max");
    for (const auto& function : functions) {
      auto found = std::find_if(std::begin(kFunctions), std::end(kFunctions),
                                [&](const FunctionName& f) { return f.name == function; });
      if (found == std::end(kFunctions)) {
        return entry.Error("functions",
                           "unknown function '" + function +
                               "' (expected count, count_distinct, sum, avg, min, max)");
      }
      spec.aggregations.push_back(
          {column, found->aggregate, column + "_" + std::string(found->suffix)});
    }
  }
  if (spec.aggregations.empty() && spec.keys.empty()) {
    return params.Error("", "a group recipe needs keys or aggregations");
  }
  return spec;
}

Result<Schema> GroupSpec::OutputSchema(const Schema& input) const {
  Schema output;
  auto find = [&](const std::string& name) -> Result<const Column*> {
    auto index = input.IndexOf(name);
    if (!index) {
      return Status::Invalid("unknown column '" + name + "' (the input has: " + input.ToString() +
                             ")");
    }
    return &input[*index];
  };
  for (const auto& key : keys) {
    MORTAR_ASSIGN_OR_RETURN(const Column* column, find(key));
    output.Add(Column{column->name, column->type, true});
  }
  for (const auto& aggregation : aggregations) {
    Type type = Type::Int64();
    if (aggregation.function != sql::Aggregate::kCountAll) {
      MORTAR_ASSIGN_OR_RETURN(const Column* column, find(aggregation.column));
      const Type& in = column->type;
      switch (aggregation.function) {
        case sql::Aggregate::kSum:
          if (!in.IsNumeric() && in.kind() != TypeKind::kBoolean) {
            return Status::Invalid("sum needs a numeric column; '" + column->name + "' is " +
                                   in.ToString());
          }
          if (in.IsInteger() || in.kind() == TypeKind::kBoolean) {
            type = Type::Int64();
          } else if (in.kind() == TypeKind::kDecimal) {
            MORTAR_ASSIGN_OR_RETURN(type,
                                    Type::Decimal(std::min(38, in.precision() + 10), in.scale()));
          } else {
            type = Type::Double();
          }
          break;
        case sql::Aggregate::kAvg:
          if (!in.IsNumeric()) {
            return Status::Invalid("avg needs a numeric column; '" + column->name + "' is " +
                                   in.ToString());
          }
          type = Type::Double();
          break;
        case sql::Aggregate::kMin:
        case sql::Aggregate::kMax:
          if (in.IsNested() || in.kind() == TypeKind::kBinary) {
            return Status::Invalid(std::string(AggregateName(aggregation.function)) +
                                   " cannot order values of type " + in.ToString());
          }
          type = in;
          break;
        default:
          type = Type::Int64();
          break;
      }
    }
    if (output.IndexOf(aggregation.output_name)) {
      return Status::Invalid("two output columns are named '" + aggregation.output_name + "'");
    }
    output.Add(Column{aggregation.output_name, type, true});
  }
  return output;
}

Result<std::string> GroupSpec::ToSql(const sql::Dialect& dialect, const std::string& source,
                                     const Schema& input) const {
  MORTAR_ASSIGN_OR_RETURN(Schema output, OutputSchema(input));
  std::string select;
  std::string group_by;
  for (const auto& key : keys) {
    const auto& name = input[*input.IndexOf(key)].name;
    select += (select.empty() ? "" : ",\n  ") + dialect.QuoteIdentifier(name);
    group_by += (group_by.empty() ? "" : ", ") + dialect.QuoteIdentifier(name);
  }
  for (const auto& aggregation : aggregations) {
    std::string argument;
    if (aggregation.function != sql::Aggregate::kCountAll) {
      argument = dialect.QuoteIdentifier(input[*input.IndexOf(aggregation.column)].name);
    }
    select += (select.empty() ? "" : ",\n  ") +
              dialect.AggregateCall(aggregation.function, argument) + " AS " +
              dialect.QuoteIdentifier(aggregation.output_name);
  }
  std::string sql = "SELECT\n  " + select + "\nFROM " + source;
  if (!group_by.empty()) sql += "\nGROUP BY " + group_by;
  return sql;
}

}  // namespace mortar::recipes
