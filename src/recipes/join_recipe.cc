// The join recipe: the first input joined with each further input in turn (inner,
// left, right, full or cross) on column conditions, then the chosen columns of each
// input, optionally prefixed. An output name given by two inputs is an error that
// says how to resolve it, never a silent pick.
#include <map>

#include "recipes/builtin_recipes.h"
#include "recipes/join_engine.h"
#include "recipes/join_plan.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

namespace {

using config::ConfigObject;

constexpr std::pair<std::string_view, std::string_view> kJoinTypes[] = {{"inner", "INNER JOIN"},
                                                                        {"left", "LEFT JOIN"},
                                                                        {"right", "RIGHT JOIN"},
                                                                        {"full", "FULL OUTER JOIN"},
                                                                        {"cross", "CROSS JOIN"}};

bool Comparable(const Type& a, const Type& b) {
  if (a.IsNumeric() && b.IsNumeric()) return true;
  if (a.IsTemporal() && b.IsTemporal()) return true;
  return a.kind() == b.kind() && !a.IsNested();
}

Status CheckParams(const config::RecipeConfig& recipe) {
  if (recipe.inputs.size() < 2 || recipe.outputs.size() != 1) {
    return Status::Invalid(recipe.file + ": a join recipe takes two or more inputs and one output");
  }
  ConfigObject params(recipe.params, recipe.file, "params");
  MORTAR_RETURN_IF_ERROR(params.CheckObject({"joins", "select"}));
  MORTAR_ASSIGN_OR_RETURN(auto joins, params.Array("joins"));
  if (joins.size() != recipe.inputs.size() - 1) {
    return params.Error("joins", "give one join for each input after the first (" +
                                     std::to_string(recipe.inputs.size() - 1) + ")");
  }
  for (std::size_t i = 0; i < joins.size(); ++i) {
    const ConfigObject& join = joins[i];
    MORTAR_RETURN_IF_ERROR(join.CheckObject({"type", "on"}));
    MORTAR_ASSIGN_OR_RETURN(
        std::string type,
        join.ChoiceOr("type", {"inner", "left", "right", "full", "cross"}, "inner"));
    bool has_on = join.Has("on");
    if (type == "cross" && has_on) return join.Error("on", "a cross join has no conditions");
    if (type != "cross" && !has_on) {
      return join.Error("on", "a " + type + " join needs conditions (or use type \"cross\")");
    }
  }
  return Status::OK();
}

class JoinRecipe final : public VisualRecipe {
 public:
  std::string_view name() const override { return "join"; }

  Status Validate(const config::RecipeConfig& recipe) const override { return CheckParams(recipe); }

  Result<std::vector<CompiledOutput>> Compile(const config::RecipeConfig& recipe,
                                              const sql::Dialect& dialect,
                                              const std::vector<SqlInput>& inputs) const override {
    MORTAR_ASSIGN_OR_RETURN(JoinPlan plan, PlanJoin(recipe, dialect, inputs));
    // Each input is aliased by its dataset name.
    auto alias = [&](std::size_t i) { return dialect.QuoteIdentifier(inputs[i].name); };
    auto column_sql = [&](const JoinColumn& column) {
      return alias(column.input) + "." +
             dialect.QuoteIdentifier(inputs[column.input].schema[column.column].name);
    };
    std::string from = inputs[0].source + " AS " + alias(0);
    for (const JoinStep& join : plan.joins) {
      std::string keyword;
      for (const auto& [name, sql] : kJoinTypes) {
        if (name == join.type) keyword = sql;
      }
      from += "\n" + keyword + " " + inputs[join.right].source + " AS " + alias(join.right);
      if (join.type == "cross") continue;
      std::string on;
      for (const auto& condition : join.on) {
        on += (on.empty() ? "" : " AND ") + column_sql(condition.left) + " " + condition.op + " " +
              column_sql(condition.right);
      }
      from += " ON " + on;
    }
    std::vector<std::string> items;
    for (const auto& column : plan.select) {
      items.push_back(column_sql(column.source) + " AS " + dialect.QuoteIdentifier(column.name));
    }
    sql::QueryBuilder query(dialect, inputs[0].source, inputs[0].schema);
    query.Add("join", "SELECT\n  " + sql::JoinLines(items) + "\nFROM " + from, plan.output);
    return std::vector<CompiledOutput>{{query.ToSql(), query.schema()}};
  }

  std::unique_ptr<Engine> LocalEngine(std::shared_ptr<const VisualRecipe> self) const override {
    return MakeLocalJoinEngine(std::move(self));
  }
};

}  // namespace

Result<JoinPlan> PlanJoin(const config::RecipeConfig& recipe, const sql::Dialect& dialect,
                          const std::vector<SqlInput>& inputs) {
  MORTAR_RETURN_IF_ERROR(CheckParams(recipe));
  ConfigObject params(recipe.params, recipe.file, "params");
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < inputs.size(); ++i) index[inputs[i].name] = i;
  // "column" (of `default_input`) or "dataset.column".
  auto resolve = [&](const ConfigObject& object, const std::string& key, std::size_t default_input,
                     std::size_t last_input) -> Result<JoinColumn> {
    MORTAR_ASSIGN_OR_RETURN(std::string reference, object.String(key));
    std::size_t input = default_input;
    std::string name = reference;
    auto dot = reference.find('.');
    if (dot != std::string::npos && index.count(reference.substr(0, dot)) > 0 &&
        !inputs[default_input].schema.IndexOf(reference)) {
      input = index[reference.substr(0, dot)];
      name = reference.substr(dot + 1);
    }
    if (input > last_input) {
      return object.Error(key, "'" + inputs[input].name + "' is not joined yet at this point");
    }
    auto column = FindColumn(inputs[input].schema, name);
    if (!column.ok()) {
      return object.Error(key, "input '" + inputs[input].name + "': " + column.status().message());
    }
    return JoinColumn{input, static_cast<int>(*inputs[input].schema.IndexOf((*column)->name))};
  };
  auto type_of = [&](const JoinColumn& column) -> const Type& {
    return inputs[column.input].schema[column.column].type;
  };

  JoinPlan plan;
  MORTAR_ASSIGN_OR_RETURN(auto joins, params.Array("joins"));
  for (std::size_t j = 0; j < joins.size(); ++j) {
    const ConfigObject& join = joins[j];
    JoinStep step;
    step.right = j + 1;
    MORTAR_ASSIGN_OR_RETURN(step.type, join.StringOr("type", "inner"));
    if (step.type != "cross") {
      MORTAR_ASSIGN_OR_RETURN(auto conditions, join.Array("on"));
      if (conditions.empty()) return join.Error("on", "list at least one condition");
      for (const auto& condition : conditions) {
        MORTAR_RETURN_IF_ERROR(condition.CheckObject({"left", "right", "operator"}));
        JoinCondition resolved;
        MORTAR_ASSIGN_OR_RETURN(
            resolved.op, condition.ChoiceOr("operator", {"=", "<>", "<", "<=", ">", ">="}, "="));
        // "left" defaults to the first input, "right" to the input being joined.
        MORTAR_ASSIGN_OR_RETURN(resolved.left, resolve(condition, "left", 0, step.right));
        MORTAR_ASSIGN_OR_RETURN(resolved.right,
                                resolve(condition, "right", step.right, step.right));
        if (!Comparable(type_of(resolved.left), type_of(resolved.right))) {
          return condition.Error("right", "type mismatch: " + type_of(resolved.left).ToString() +
                                              " cannot be compared with " +
                                              type_of(resolved.right).ToString());
        }
        step.on.push_back(std::move(resolved));
      }
    }
    plan.joins.push_back(std::move(step));
  }

  // The selection: every input, all columns, no prefix, unless said otherwise.
  std::map<std::string, std::string> origin;  // output name -> input
  std::vector<ConfigObject> selection;
  if (params.Has("select")) {
    MORTAR_ASSIGN_OR_RETURN(selection, params.Array("select"));
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::vector<std::string> columns = inputs[i].schema.Names();
    std::string prefix;
    const ConfigObject* chosen = nullptr;
    for (const auto& entry : selection) {
      if (entry.json().value("input", "") == inputs[i].name) chosen = &entry;
    }
    if (!selection.empty() && chosen == nullptr) continue;
    if (chosen != nullptr) {
      MORTAR_RETURN_IF_ERROR(chosen->CheckObject({"input", "columns", "prefix"}));
      MORTAR_ASSIGN_OR_RETURN(columns, chosen->StringsOr("columns", columns));
      MORTAR_ASSIGN_OR_RETURN(prefix, chosen->StringOr("prefix", ""));
    }
    for (const auto& name : columns) {
      auto column = FindColumn(inputs[i].schema, name);
      if (!column.ok()) {
        return chosen->Error("columns",
                             "input '" + inputs[i].name + "': " + column.status().message());
      }
      std::string out = prefix + (*column)->name;
      if (auto seen = origin.find(out); seen != origin.end()) {
        return params.Error("select", "ambiguous: the column '" + out + "' comes from both '" +
                                          seen->second + "' and '" + inputs[i].name +
                                          "'; give one of them a prefix or leave the column "
                                          "out");
      }
      if (Status check = CheckOutputName(dialect, out); !check.ok()) {
        return params.Error("select", check.message());
      }
      origin[out] = inputs[i].name;
      plan.select.push_back(
          {JoinColumn{i, static_cast<int>(*inputs[i].schema.IndexOf((*column)->name))}, out});
      plan.output.Add(Column{out, (*column)->type, true});
    }
  }
  if (plan.output.empty()) return params.Error("select", "selects no column");
  return plan;
}

std::shared_ptr<const VisualRecipe> MakeJoinRecipe() {
  return std::make_shared<JoinRecipe>();
}

}  // namespace mortar::recipes
