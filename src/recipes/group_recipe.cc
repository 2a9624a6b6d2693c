#include "recipes/group_recipe.h"

#include <algorithm>

#include "mortar/sql/expression.h"
#include "mortar/sql/query.h"

namespace mortar::recipes {

namespace {

struct FunctionName {
  std::string_view name;
  sql::Aggregate aggregate;
  std::string_view suffix;
  GroupAggregation::Pick pick = GroupAggregation::Pick::kNone;
};

constexpr FunctionName kFunctions[] = {
    {"count", sql::Aggregate::kCount, "count"},
    {"count_distinct", sql::Aggregate::kCountDistinct, "distinct"},
    {"sum", sql::Aggregate::kSum, "sum"},
    {"avg", sql::Aggregate::kAvg, "avg"},
    {"min", sql::Aggregate::kMin, "min"},
    {"max", sql::Aggregate::kMax, "max"},
    {"stddev", sql::Aggregate::kStddev, "stddev"},
    {"first", sql::Aggregate::kMin, "first", GroupAggregation::Pick::kFirst},
    {"last", sql::Aggregate::kMin, "last", GroupAggregation::Pick::kLast},
};

constexpr std::string_view kFunctionList =
    "count, count_distinct, sum, avg, min, max, stddev, first, last";

}  // namespace

std::string_view AggregateName(sql::Aggregate aggregate) {
  if (aggregate == sql::Aggregate::kCountAll) return "count(*)";
  for (const auto& entry : kFunctions) {
    if (entry.pick != GroupAggregation::Pick::kNone) continue;
    if (entry.aggregate == aggregate) return entry.name;
  }
  return "?";
}

Result<GroupSpec> GroupSpec::FromConfig(const config::RecipeConfig& recipe) {
  config::ConfigObject params(recipe.params, recipe.file, "params");
  MORTAR_RETURN_IF_ERROR(params.CheckObject(
      {"keys", "aggregations", "count", "filter_before", "filter_after", "order_by"}));
  GroupSpec spec;
  MORTAR_ASSIGN_OR_RETURN(spec.keys, params.StringsOr("keys", {}));
  MORTAR_ASSIGN_OR_RETURN(spec.filter_before, params.StringOr("filter_before", ""));
  MORTAR_ASSIGN_OR_RETURN(spec.filter_after, params.StringOr("filter_after", ""));
  MORTAR_ASSIGN_OR_RETURN(spec.order_by, params.StringOr("order_by", ""));
  for (const char* key : {"filter_before", "filter_after"}) {
    const std::string& formula =
        std::string(key) == "filter_before" ? spec.filter_before : spec.filter_after;
    if (formula.empty()) continue;
    if (auto parsed = sql::ParseExpression(formula); !parsed.ok()) {
      return params.Error(key, parsed.status().message());
    }
  }
  MORTAR_ASSIGN_OR_RETURN(bool count, params.BooleanOr("count", true));
  if (count) spec.aggregations.push_back({"", sql::Aggregate::kCountAll, "count"});
  MORTAR_ASSIGN_OR_RETURN(auto aggregations, params.Array("aggregations"));
  for (const auto& entry : aggregations) {
    MORTAR_RETURN_IF_ERROR(entry.CheckObject({"column", "functions"}));
    MORTAR_ASSIGN_OR_RETURN(std::string column, entry.String("column"));
    MORTAR_ASSIGN_OR_RETURN(auto functions, entry.StringsOr("functions", {}));
    if (functions.empty())
      return entry.Error("functions", "list at least one of " + std::string(kFunctionList));
    for (const auto& function : functions) {
      auto found = std::find_if(std::begin(kFunctions), std::end(kFunctions),
                                [&](const FunctionName& f) { return f.name == function; });
      if (found == std::end(kFunctions)) {
        return entry.Error("functions", "unknown function '" + function + "' (expected " +
                                            std::string(kFunctionList) + ")");
      }
      if (found->pick != GroupAggregation::Pick::kNone && spec.order_by.empty()) {
        return params.Error("order_by", "first and last need the column that orders the rows");
      }
      spec.aggregations.push_back(
          {column, found->aggregate, column + "_" + std::string(found->suffix), found->pick});
    }
  }
  if (spec.aggregations.empty() && spec.keys.empty()) {
    return params.Error("", "a group recipe needs keys or aggregations");
  }
  return spec;
}

Result<Type> AggregateType(sql::Aggregate function, const Column& column) {
  const Type& in = column.type;
  switch (function) {
    case sql::Aggregate::kSum:
      if (!in.IsNumeric() && in.kind() != TypeKind::kBoolean) {
        return Status::Invalid("sum needs a numeric column; '" + column.name + "' is " +
                               in.ToString());
      }
      if (in.IsInteger() || in.kind() == TypeKind::kBoolean) return Type::Int64();
      if (in.kind() == TypeKind::kDecimal) {
        return Type::Decimal(std::min(38, in.precision() + 10), in.scale());
      }
      return Type::Double();
    case sql::Aggregate::kAvg:
    case sql::Aggregate::kStddev:
      if (!in.IsNumeric()) {
        return Status::Invalid(std::string(AggregateName(function)) + " needs a numeric column; '" +
                               column.name + "' is " + in.ToString());
      }
      // As Spark: four more digits after the point (core/decimal_average.h).
      if (function == sql::Aggregate::kAvg && in.kind() == TypeKind::kDecimal)
        return Type::Decimal(std::min(38, in.precision() + 4), std::min(38, in.scale() + 4));
      return Type::Double();
    case sql::Aggregate::kMin:
    case sql::Aggregate::kMax:
      if (in.IsNested() || in.kind() == TypeKind::kBinary) {
        return Status::Invalid(std::string(AggregateName(function)) +
                               " cannot order values of type " + in.ToString());
      }
      return in;
    default:
      return Type::Int64();
  }
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
    if (aggregation.pick != GroupAggregation::Pick::kNone) {
      MORTAR_ASSIGN_OR_RETURN(const Column* column, find(aggregation.column));
      MORTAR_RETURN_IF_ERROR(find(order_by).status());
      type = column->type;
    } else if (aggregation.function != sql::Aggregate::kCountAll) {
      MORTAR_ASSIGN_OR_RETURN(const Column* column, find(aggregation.column));
      MORTAR_ASSIGN_OR_RETURN(type, AggregateType(aggregation.function, *column));
    }
    if (output.IndexOf(aggregation.output_name)) {
      return Status::Invalid("two output columns are named '" + aggregation.output_name + "'");
    }
    output.Add(Column{aggregation.output_name, type, true});
  }
  return output;
}

bool GroupSpec::MapsToAcero() const {
  if (!filter_before.empty() || !filter_after.empty()) return false;
  return std::none_of(aggregations.begin(), aggregations.end(), [](const GroupAggregation& a) {
    return a.pick != GroupAggregation::Pick::kNone || a.function == sql::Aggregate::kStddev;
  });
}

Result<std::string> GroupSpec::ToSql(const sql::Dialect& dialect, const std::string& source,
                                     const Schema& input) const {
  MORTAR_ASSIGN_OR_RETURN(Schema output, OutputSchema(input));
  sql::QueryBuilder query(dialect, source, input);
  if (!filter_before.empty()) {
    MORTAR_ASSIGN_OR_RETURN(std::string condition,
                            sql::CompileCondition(filter_before, dialect, input));
    query.AddSelect("filter", query.PassThrough(), input, "WHERE " + condition);
  }
  std::string partition;
  for (const auto& key : keys) {
    partition +=
        (partition.empty() ? "" : ", ") + dialect.QuoteIdentifier(input[*input.IndexOf(key)].name);
  }
  // First and last: the value of the first (last) row of each group in order_by
  // order, put on every row by a window, then picked by MIN in the aggregation.
  Schema picked = input;
  std::vector<std::string> pick_items = query.PassThrough();
  for (const auto& aggregation : aggregations) {
    if (aggregation.pick == GroupAggregation::Pick::kNone) continue;
    const std::string order =
        dialect.QuoteIdentifier(input[*input.IndexOf(order_by)].name) +
        (aggregation.pick == GroupAggregation::Pick::kFirst ? " ASC NULLS LAST"
                                                            : " DESC NULLS FIRST");
    std::string over = (partition.empty() ? "" : "PARTITION BY " + partition + " ") + "ORDER BY " +
                       order + " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING";
    std::string hidden = "__" + aggregation.output_name;
    pick_items.push_back(query.Item(
        "FIRST_VALUE(" + dialect.QuoteIdentifier(input[*input.IndexOf(aggregation.column)].name) +
            ") OVER (" + over + ")",
        hidden));
    picked.Add(Column{hidden, input[*input.IndexOf(aggregation.column)].type, true});
  }
  if (picked.size() > input.size()) query.AddSelect("order", pick_items, picked);

  std::vector<std::string> items;
  for (const auto& key : keys)
    items.push_back(dialect.QuoteIdentifier(input[*input.IndexOf(key)].name));
  for (const auto& aggregation : aggregations) {
    const Column* column = aggregation.function == sql::Aggregate::kCountAll
                               ? nullptr
                               : &input[*input.IndexOf(aggregation.column)];
    Type argument_type = column != nullptr ? column->type : Type::Int64();
    std::string argument;
    if (aggregation.pick != GroupAggregation::Pick::kNone) {
      argument = dialect.QuoteIdentifier("__" + aggregation.output_name);
    } else if (column != nullptr) {
      argument = dialect.QuoteIdentifier(column->name);
    }
    items.push_back(dialect.AggregateCall(aggregation.function, argument, argument_type) + " AS " +
                    dialect.QuoteIdentifier(aggregation.output_name));
  }
  query.AddSelect("group", items, output, partition.empty() ? "" : "GROUP BY " + partition);
  if (!filter_after.empty()) {
    MORTAR_ASSIGN_OR_RETURN(std::string condition,
                            sql::CompileCondition(filter_after, dialect, output));
    query.AddSelect("filter_groups", query.PassThrough(), output, "WHERE " + condition);
  }
  return query.ToSql();
}

}  // namespace mortar::recipes
