// The window recipe: every input row, plus columns computed over a window of rows
// (partition, order, frame): row_number, rank, dense_rank, lag, lead, cumulative
// sums, and sum, avg, min, max, count over the frame.
#include "recipes/builtin_recipes.h"
#include "recipes/group_recipe.h"
#include "recipes/visual_recipe.h"
#include "recipes/window_engine.h"

namespace mortar::recipes {

namespace {

using config::ConfigObject;

struct Ranking {
  std::string_view name;
  std::string_view sql;
};
constexpr Ranking kRankings[] = {
    {"row_number", "ROW_NUMBER()"}, {"rank", "RANK()"}, {"dense_rank", "DENSE_RANK()"}};

struct FrameAggregate {
  std::string_view name;
  sql::Aggregate aggregate;
};
constexpr FrameAggregate kFrameAggregates[] = {{"sum", sql::Aggregate::kSum},
                                               {"avg", sql::Aggregate::kAvg},
                                               {"min", sql::Aggregate::kMin},
                                               {"max", sql::Aggregate::kMax},
                                               {"count", sql::Aggregate::kCount}};

constexpr std::string_view kFunctionList =
    "row_number, rank, dense_rank, lag, lead, cumulative_sum, sum, avg, min, max, count";

// "ROWS BETWEEN 2 PRECEDING AND CURRENT ROW"; the whole partition when absent.
Result<std::string> FrameSql(const ConfigObject& params) {
  if (!params.Has("frame"))
    return std::string("ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING");
  MORTAR_ASSIGN_OR_RETURN(ConfigObject frame, params.Object("frame"));
  MORTAR_RETURN_IF_ERROR(frame.CheckObject({"unit", "from", "to"}));
  MORTAR_ASSIGN_OR_RETURN(std::string unit, frame.ChoiceOr("unit", {"rows", "range"}, "rows"));
  auto bound = [&](const std::string& key, const std::string& unbounded) -> Result<std::string> {
    if (!frame.Has(key)) return unbounded;
    if (!frame.json()[key].is_number_integer()) {
      return frame.Error(key, "expected a whole number of rows (negative: before), or null");
    }
    int64_t offset = frame.json()[key].get<int64_t>();
    if (offset == 0) return std::string("CURRENT ROW");
    return std::to_string(offset < 0 ? -offset : offset) +
           (offset < 0 ? " PRECEDING" : " FOLLOWING");
  };
  MORTAR_ASSIGN_OR_RETURN(std::string from, bound("from", "UNBOUNDED PRECEDING"));
  MORTAR_ASSIGN_OR_RETURN(std::string to, bound("to", "UNBOUNDED FOLLOWING"));
  return (unit == "rows" ? "ROWS" : "RANGE") + std::string(" BETWEEN ") + from + " AND " + to;
}

Result<std::vector<ConfigObject>> Computations(const ConfigObject& params) {
  MORTAR_RETURN_IF_ERROR(params.CheckObject({"partition_by", "order_by", "frame", "computations"}));
  MORTAR_ASSIGN_OR_RETURN(auto computations, params.Array("computations"));
  if (computations.empty()) return params.Error("computations", "list at least one");
  for (const auto& computation : computations) {
    MORTAR_RETURN_IF_ERROR(computation.CheckObject({"function", "column", "offset", "output"}));
    MORTAR_ASSIGN_OR_RETURN(std::string function, computation.String("function"));
    bool known = function == "lag" || function == "lead" || function == "cumulative_sum";
    for (const auto& ranking : kRankings) known = known || ranking.name == function;
    for (const auto& aggregate : kFrameAggregates) known = known || aggregate.name == function;
    if (!known) {
      return computation.Error("function", "unknown function '" + function + "' (expected " +
                                               std::string(kFunctionList) + ")");
    }
  }
  MORTAR_RETURN_IF_ERROR(FrameSql(params).status());
  return computations;
}

class WindowRecipe final : public VisualRecipe {
 public:
  std::string_view name() const override { return "window"; }

  Status Validate(const config::RecipeConfig& recipe) const override {
    MORTAR_RETURN_IF_ERROR(ExpectCounts(recipe, 1, 1));
    return Computations(ConfigObject(recipe.params, recipe.file, "params")).status();
  }

  Result<std::vector<CompiledOutput>> Compile(const config::RecipeConfig& recipe,
                                              const sql::Dialect& dialect,
                                              const std::vector<SqlInput>& inputs) const override {
    ConfigObject params(recipe.params, recipe.file, "params");
    MORTAR_ASSIGN_OR_RETURN(auto computations, Computations(params));
    const Schema& input = inputs.front().schema;
    sql::QueryBuilder query(dialect, inputs.front().source, input);

    MORTAR_ASSIGN_OR_RETURN(std::string partition,
                            PartitionSql(params, "partition_by", dialect, input));
    MORTAR_ASSIGN_OR_RETURN(auto order, ParseOrder(params, "order_by"));
    auto order_sql = OrderSql(order, dialect, input);
    if (!order_sql.ok()) return params.Error("order_by", order_sql.status().message());
    MORTAR_ASSIGN_OR_RETURN(std::string frame, FrameSql(params));
    std::string window = partition.empty() ? "" : "PARTITION BY " + partition;
    if (!order_sql->empty()) window += (window.empty() ? "" : " ") + ("ORDER BY " + *order_sql);
    auto over = [&](const std::string& frame_text) {
      std::string text = window;
      if (!frame_text.empty()) text += (text.empty() ? "" : " ") + frame_text;
      return " OVER (" + text + ")";
    };

    std::vector<std::string> items = query.PassThrough();
    Schema output = input;
    for (const auto& computation : computations) {
      MORTAR_ASSIGN_OR_RETURN(std::string function, computation.String("function"));
      bool ranking = false;
      for (const auto& entry : kRankings) ranking = ranking || entry.name == function;
      if ((ranking || function == "lag" || function == "lead" || function == "cumulative_sum") &&
          order.empty()) {
        return params.Error("order_by", function + " needs an order");
      }
      std::string expression;
      Type type = Type::Int64();
      std::string default_name = function;
      if (ranking) {
        for (const auto& entry : kRankings) {
          if (entry.name == function) expression = std::string(entry.sql) + over("");
        }
      } else {
        MORTAR_ASSIGN_OR_RETURN(std::string name, computation.String("column"));
        auto column = FindColumn(input, name);
        if (!column.ok()) return computation.Error("column", column.status().message());
        std::string quoted = dialect.QuoteIdentifier((*column)->name);
        default_name = (*column)->name + "_" + function;
        if (function == "lag" || function == "lead") {
          MORTAR_ASSIGN_OR_RETURN(int64_t offset, computation.IntegerOr("offset", 1));
          if (offset < 1) return computation.Error("offset", "must be 1 or more");
          expression = (function == "lag" ? "LAG(" : "LEAD(") + quoted + ", " +
                       std::to_string(offset) + ")" + over("");
          type = (*column)->type;
        } else {
          sql::Aggregate aggregate = sql::Aggregate::kSum;
          for (const auto& entry : kFrameAggregates) {
            if (entry.name == function) aggregate = entry.aggregate;
          }
          auto aggregate_type = AggregateType(aggregate, **column);
          if (!aggregate_type.ok()) {
            return computation.Error("column", aggregate_type.status().message());
          }
          type = *aggregate_type;
          std::string frame_text = function == "cumulative_sum"
                                       ? "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
                                       : frame;
          expression = dialect.AggregateCall(aggregate, quoted, (*column)->type) + over(frame_text);
        }
      }
      MORTAR_ASSIGN_OR_RETURN(std::string name, computation.StringOr("output", default_name));
      if (output.IndexOf(name)) {
        return computation.Error("output", "a column is already named '" + name + "'");
      }
      if (Status check = CheckOutputName(dialect, name); !check.ok()) {
        return computation.Error("output", check.message());
      }
      items.push_back(query.Item(expression, name));
      output.Add(Column{name, type, true});
    }
    query.AddSelect("window", items, std::move(output));
    return std::vector<CompiledOutput>{{query.ToSql(), query.schema()}};
  }

  std::unique_ptr<Engine> LocalEngine(std::shared_ptr<const VisualRecipe> self) const override {
    return MakeLocalWindowEngine(std::move(self));
  }
};

}  // namespace

std::shared_ptr<const VisualRecipe> MakeWindowRecipe() {
  return std::make_shared<WindowRecipe>();
}

}  // namespace mortar::recipes
