// The prepare recipe: a list of processors applied in order, each compiled to one
// step (one CTE) of the query: keep, delete, rename and reorder columns; filter and
// flag rows on values, ranges or a formula; remove or fill empty values;
// concatenate, copy and split columns; if/then/else; formulas.
#include <algorithm>
#include <map>
#include <set>

#include "mortar/sql/expression.h"
#include "recipes/builtin_recipes.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

namespace {

using config::ConfigObject;

// The keys each processor accepts besides "type".
const std::map<std::string, std::vector<std::string>>& Processors() {
  static const std::map<std::string, std::vector<std::string>> kProcessors = {
      {"keep", {"columns"}},
      {"delete", {"columns"}},
      {"rename", {"renames"}},
      {"reorder", {"columns"}},
      {"filter", {"column", "values", "min", "max", "expression", "keep"}},
      {"flag", {"column", "values", "min", "max", "expression", "output"}},
      {"remove_empty", {"columns"}},
      {"fill_empty", {"columns", "value"}},
      {"concat", {"columns", "separator", "output"}},
      {"copy", {"column", "output"}},
      {"split", {"column", "separator", "outputs"}},
      {"if", {"condition", "then", "else", "output"}},
      {"formula", {"expression", "output"}},
  };
  return kProcessors;
}

Result<std::vector<ConfigObject>> Steps(const config::RecipeConfig& recipe) {
  ConfigObject params(recipe.params, recipe.file, "params");
  MORTAR_RETURN_IF_ERROR(params.CheckObject({"steps"}));
  MORTAR_ASSIGN_OR_RETURN(auto steps, params.Array("steps"));
  for (const auto& step : steps) {
    MORTAR_ASSIGN_OR_RETURN(std::string type, step.String("type"));
    auto found = Processors().find(type);
    if (found == Processors().end()) {
      std::string known;
      for (const auto& [name, keys] : Processors()) known += (known.empty() ? "" : ", ") + name;
      return step.Error("type", "unknown processor '" + type + "' (known: " + known + ")");
    }
    std::vector<std::string> allowed = found->second;
    allowed.push_back("type");
    MORTAR_RETURN_IF_ERROR(step.CheckObject(allowed));
  }
  return steps;
}

// Compiles one processor onto the query.
class StepCompiler {
 public:
  StepCompiler(const ConfigObject& step, sql::QueryBuilder& query)
      : step_(step), query_(query), dialect_(query.dialect()) {}

  Status Apply() {
    MORTAR_ASSIGN_OR_RETURN(std::string type, step_.String("type"));
    if (type == "keep" || type == "delete") return KeepOrDelete(type == "keep");
    if (type == "rename") return Rename();
    if (type == "reorder") return Reorder();
    if (type == "filter") return Filter();
    if (type == "flag") return Flag();
    if (type == "remove_empty") return RemoveEmpty();
    if (type == "fill_empty") return FillEmpty();
    if (type == "concat") return Concat();
    if (type == "copy") return Copy();
    if (type == "split") return Split();
    if (type == "if") return IfThenElse();
    return Formula();
  }

 private:
  const Schema& schema() const { return query_.schema(); }

  // The columns a field lists, checked against the current schema.
  Result<std::vector<std::string>> Columns(const std::string& key) {
    MORTAR_ASSIGN_OR_RETURN(auto names, step_.StringsOr(key, {}));
    if (names.empty()) return step_.Error(key, "list at least one column");
    std::vector<std::string> columns;
    for (const auto& name : names) {
      auto column = FindColumn(schema(), name);
      if (!column.ok()) return step_.Error(key, column.status().message());
      columns.push_back((*column)->name);
    }
    return columns;
  }

  Result<std::string> Column(const std::string& key) {
    MORTAR_ASSIGN_OR_RETURN(std::string name, step_.String(key));
    auto column = FindColumn(schema(), name);
    if (!column.ok()) return step_.Error(key, column.status().message());
    return (*column)->name;
  }

  Result<sql::CompiledExpression> Formula(const std::string& key) {
    MORTAR_ASSIGN_OR_RETURN(std::string text, step_.String(key));
    auto compiled = sql::CompileFormula(text, dialect_, schema());
    if (!compiled.ok()) return step_.Error(key, compiled.status().message());
    return compiled;
  }

  struct NewColumn {
    std::string name;
    std::string expression;  // over the previous step's columns
    Type type;
  };

  // One step adding or replacing columns; a new column goes last, a replaced one
  // keeps its place.
  Status SetColumns(const std::string& label, const std::vector<NewColumn>& columns,
                    const std::string& key = "output") {
    for (const auto& column : columns) {
      if (Status check = CheckOutputName(dialect_, column.name); !check.ok()) {
        return step_.Error(key, check.message());
      }
    }
    std::vector<std::string> items;
    Schema output;
    std::vector<bool> placed(columns.size(), false);
    for (const auto& existing : schema().columns()) {
      bool replaced = false;
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].name != existing.name) continue;
        items.push_back(query_.Item(columns[i].expression, columns[i].name));
        output.Add(mortar::Column{columns[i].name, columns[i].type, true});
        placed[i] = replaced = true;
      }
      if (!replaced) {
        items.push_back(dialect_.QuoteIdentifier(existing.name));
        output.Add(existing);
      }
    }
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (placed[i]) continue;
      items.push_back(query_.Item(columns[i].expression, columns[i].name));
      output.Add(mortar::Column{columns[i].name, columns[i].type, true});
    }
    query_.AddSelect(label, items, std::move(output));
    return Status::OK();
  }

  Status SetColumn(const std::string& label, const std::string& name, const std::string& expression,
                   const Type& type) {
    return SetColumns(label, {{name, expression, type}});
  }

  Status KeepOrDelete(bool keep) {
    MORTAR_ASSIGN_OR_RETURN(auto listed, Columns("columns"));
    std::set<std::string> names(listed.begin(), listed.end());
    std::vector<std::string> items;
    Schema output;
    for (const auto& column : schema().columns()) {
      if ((names.count(column.name) > 0) != keep) continue;
      items.push_back(dialect_.QuoteIdentifier(column.name));
      output.Add(column);
    }
    if (output.empty()) return step_.Error("columns", "no column would be left");
    query_.AddSelect(keep ? "keep" : "delete", items, std::move(output));
    return Status::OK();
  }

  Status Rename() {
    MORTAR_ASSIGN_OR_RETURN(auto renames, step_.Array("renames"));
    std::map<std::string, std::string> to;
    for (const auto& rename : renames) {
      MORTAR_RETURN_IF_ERROR(rename.CheckObject({"from", "to"}));
      MORTAR_ASSIGN_OR_RETURN(std::string from, rename.String("from"));
      MORTAR_ASSIGN_OR_RETURN(std::string name, rename.String("to"));
      auto column = FindColumn(schema(), from);
      if (!column.ok()) return rename.Error("from", column.status().message());
      if (Status check = CheckOutputName(dialect_, name); !check.ok()) {
        return rename.Error("to", check.message());
      }
      to[(*column)->name] = name;
    }
    std::vector<std::string> items;
    Schema output;
    for (const auto& column : schema().columns()) {
      auto found = to.find(column.name);
      std::string name = found == to.end() ? column.name : found->second;
      if (output.IndexOf(name)) {
        return step_.Error("renames", "two columns would be named '" + name + "'");
      }
      items.push_back(query_.Item(dialect_.QuoteIdentifier(column.name), name));
      output.Add(mortar::Column{name, column.type, column.nullable});
    }
    query_.AddSelect("rename", items, std::move(output));
    return Status::OK();
  }

  Status Reorder() {
    MORTAR_ASSIGN_OR_RETURN(auto first, Columns("columns"));
    std::vector<std::string> items;
    Schema output;
    auto add = [&](const mortar::Column& column) {
      if (output.IndexOf(column.name)) return;
      items.push_back(dialect_.QuoteIdentifier(column.name));
      output.Add(column);
    };
    for (const auto& name : first) add(schema()[*schema().IndexOf(name)]);
    for (const auto& column : schema().columns()) add(column);
    query_.AddSelect("reorder", items, std::move(output));
    return Status::OK();
  }

  // The condition of a filter or flag: values of a column, a range, or a formula.
  // NULL never matches.
  Result<std::string> Matcher() {
    if (step_.Has("expression")) {
      if (step_.Has("column")) {
        return step_.Error("expression", "give either an expression or a column, not both");
      }
      MORTAR_ASSIGN_OR_RETURN(std::string text, step_.String("expression"));
      auto condition = sql::CompileCondition(text, dialect_, schema());
      if (!condition.ok()) return step_.Error("expression", condition.status().message());
      return "COALESCE(" + *condition + ", FALSE)";
    }
    MORTAR_ASSIGN_OR_RETURN(std::string name, Column("column"));
    const Type& type = schema()[*schema().IndexOf(name)].type;
    std::string column = dialect_.QuoteIdentifier(name);
    if (step_.Has("values")) {
      MORTAR_ASSIGN_OR_RETURN(auto values, ScalarTexts(step_, "values"));
      if (values.empty()) return step_.Error("values", "list at least one value");
      std::string list;
      for (const auto& value : values) {
        auto literal = sql::ValueLiteral(dialect_, value, type);
        if (!literal.ok()) return step_.Error("values", literal.status().message());
        list += (list.empty() ? "" : ", ") + *literal;
      }
      return "COALESCE(" + column + " IN (" + list + "), FALSE)";
    }
    if (!step_.Has("min") && !step_.Has("max")) {
      return step_.Error("values", "give values, a min and/or max, or an expression");
    }
    std::string condition;
    for (const char* bound : {"min", "max"}) {
      if (!step_.Has(bound)) continue;
      MORTAR_ASSIGN_OR_RETURN(std::string value, ScalarText(step_, bound));
      auto literal = sql::ValueLiteral(dialect_, value, type);
      if (!literal.ok()) return step_.Error(bound, literal.status().message());
      condition += std::string(condition.empty() ? "" : " AND ") + column +
                   (std::string(bound) == "min" ? " >= " : " <= ") + *literal;
    }
    return "COALESCE(" + condition + ", FALSE)";
  }

  Status Filter() {
    MORTAR_ASSIGN_OR_RETURN(std::string condition, Matcher());
    MORTAR_ASSIGN_OR_RETURN(bool keep, step_.BooleanOr("keep", true));
    query_.AddSelect("filter", query_.PassThrough(), schema(),
                     "WHERE " + (keep ? condition : "NOT " + condition));
    return Status::OK();
  }

  Status Flag() {
    MORTAR_ASSIGN_OR_RETURN(std::string condition, Matcher());
    MORTAR_ASSIGN_OR_RETURN(std::string output, step_.String("output"));
    return SetColumn("flag", output, condition, Type::Boolean());
  }

  // NULL, and for text the empty string.
  std::string IsEmpty(const std::string& name) const {
    std::string column = dialect_.QuoteIdentifier(name);
    if (schema()[*schema().IndexOf(name)].type.kind() != TypeKind::kString) {
      return column + " IS NULL";
    }
    return "(" + column + " IS NULL OR " + column + " = '')";
  }

  Status RemoveEmpty() {
    MORTAR_ASSIGN_OR_RETURN(auto columns, Columns("columns"));
    std::string condition;
    for (const auto& name : columns) {
      condition += (condition.empty() ? "" : " OR ") + IsEmpty(name);
    }
    query_.AddSelect("remove_empty", query_.PassThrough(), schema(),
                     "WHERE NOT (" + condition + ")");
    return Status::OK();
  }

  Status FillEmpty() {
    MORTAR_ASSIGN_OR_RETURN(auto columns, Columns("columns"));
    MORTAR_ASSIGN_OR_RETURN(std::string value, ScalarText(step_, "value"));
    std::vector<std::string> items;
    for (const auto& column : schema().columns()) {
      std::string quoted = dialect_.QuoteIdentifier(column.name);
      if (std::find(columns.begin(), columns.end(), column.name) == columns.end()) {
        items.push_back(quoted);
        continue;
      }
      auto literal = sql::ValueLiteral(dialect_, value, column.type);
      if (!literal.ok()) return step_.Error("value", literal.status().message());
      items.push_back(query_.Item(
          "CASE WHEN " + IsEmpty(column.name) + " THEN " + *literal + " ELSE " + quoted + " END",
          column.name));
    }
    query_.AddSelect("fill_empty", items, schema());
    return Status::OK();
  }

  // Empty values count as empty strings.
  Status Concat() {
    MORTAR_ASSIGN_OR_RETURN(auto columns, Columns("columns"));
    MORTAR_ASSIGN_OR_RETURN(std::string separator, step_.StringOr("separator", ""));
    MORTAR_ASSIGN_OR_RETURN(std::string output, step_.String("output"));
    std::vector<std::string> parts;
    for (const auto& name : columns) {
      if (!parts.empty() && !separator.empty()) parts.push_back(dialect_.QuoteString(separator));
      std::string column = dialect_.QuoteIdentifier(name);
      if (schema()[*schema().IndexOf(name)].type.kind() != TypeKind::kString) {
        column = dialect_.Cast(column, Type::String());
      }
      parts.push_back("COALESCE(" + column + ", '')");
    }
    return SetColumn("concat", output, dialect_.Concat(parts), Type::String());
  }

  Status Copy() {
    MORTAR_ASSIGN_OR_RETURN(std::string name, Column("column"));
    MORTAR_ASSIGN_OR_RETURN(std::string output, step_.String("output"));
    return SetColumn("copy", output, dialect_.QuoteIdentifier(name),
                     schema()[*schema().IndexOf(name)].type);
  }

  // Part k of the column is the text between separators k-1 and k; parts that do not
  // exist are NULL. One step per part, carrying the rest of the text in a hidden
  // column, keeps each expression short on every database.
  Status Split() {
    MORTAR_ASSIGN_OR_RETURN(std::string name, Column("column"));
    if (schema()[*schema().IndexOf(name)].type.kind() != TypeKind::kString) {
      return step_.Error("column", "split needs a text column; '" + name + "' is " +
                                       schema()[*schema().IndexOf(name)].type.ToString());
    }
    MORTAR_ASSIGN_OR_RETURN(std::string separator, step_.String("separator"));
    if (separator.empty()) return step_.Error("separator", "cannot be empty");
    MORTAR_ASSIGN_OR_RETURN(auto outputs, step_.StringsOr("outputs", {}));
    if (outputs.empty()) return step_.Error("outputs", "name at least one output column");
    const std::string rest = "__rest";
    MORTAR_RETURN_IF_ERROR(
        SetColumn("split", rest, dialect_.QuoteIdentifier(name), Type::String()));
    std::string r = dialect_.QuoteIdentifier(rest);
    std::string sep = dialect_.QuoteString(separator);
    std::string found = "INSTR(" + r + ", " + sep + ") > 0";
    for (const auto& output : outputs) {
      if (output == rest || output == name) {
        return step_.Error("outputs", "'" + output + "' cannot be an output of the split");
      }
      // The next part, and the rest after it, both from the rest so far.
      MORTAR_RETURN_IF_ERROR(
          SetColumns("split",
                     {{output,
                       "CASE WHEN " + found + " THEN SUBSTR(" + r + ", 1, INSTR(" + r + ", " + sep +
                           ") - 1) ELSE " + r + " END",
                       Type::String()},
                      {rest,
                       "CASE WHEN " + found + " THEN SUBSTR(" + r + ", INSTR(" + r + ", " + sep +
                           ") + LENGTH(" + sep + ")) END",
                       Type::String()}},
                     "outputs"));
    }
    std::vector<std::string> items;
    Schema output;
    for (const auto& column : schema().columns()) {
      if (column.name == rest) continue;
      items.push_back(dialect_.QuoteIdentifier(column.name));
      output.Add(column);
    }
    query_.AddSelect("split", items, std::move(output));
    return Status::OK();
  }

  Status IfThenElse() {
    MORTAR_ASSIGN_OR_RETURN(std::string condition_text, step_.String("condition"));
    auto condition = sql::CompileCondition(condition_text, dialect_, schema());
    if (!condition.ok()) return step_.Error("condition", condition.status().message());
    MORTAR_ASSIGN_OR_RETURN(auto then, Formula("then"));
    sql::CompiledExpression otherwise{"NULL", then.type};
    if (step_.Has("else")) {
      MORTAR_ASSIGN_OR_RETURN(otherwise, Formula("else"));
      bool numbers = then.type.IsNumeric() && otherwise.type.IsNumeric();
      if (!(then.type == otherwise.type) && !numbers && otherwise.sql != "NULL" &&
          then.sql != "NULL") {
        return step_.Error("else", "type mismatch: 'then' gives " + then.type.ToString() +
                                       ", 'else' gives " + otherwise.type.ToString());
      }
      if (!(then.type == otherwise.type) && numbers) then.type = Type::Double();
    }
    MORTAR_ASSIGN_OR_RETURN(std::string output, step_.String("output"));
    return SetColumn(
        "if", output,
        "CASE WHEN " + *condition + " THEN " + then.sql + " ELSE " + otherwise.sql + " END",
        then.type);
  }

  Status Formula() {
    MORTAR_ASSIGN_OR_RETURN(auto expression, Formula("expression"));
    MORTAR_ASSIGN_OR_RETURN(std::string output, step_.String("output"));
    return SetColumn("formula", output, expression.sql, expression.type);
  }

  const ConfigObject& step_;
  sql::QueryBuilder& query_;
  const sql::Dialect& dialect_;
};

class PrepareRecipe final : public VisualRecipe {
 public:
  std::string_view name() const override { return "prepare"; }

  Status Validate(const config::RecipeConfig& recipe) const override {
    MORTAR_RETURN_IF_ERROR(ExpectCounts(recipe, 1, 1));
    return Steps(recipe).status();
  }

  Result<std::vector<CompiledOutput>> Compile(const config::RecipeConfig& recipe,
                                              const sql::Dialect& dialect,
                                              const std::vector<SqlInput>& inputs) const override {
    MORTAR_ASSIGN_OR_RETURN(auto steps, Steps(recipe));
    sql::QueryBuilder query(dialect, inputs.front().source, inputs.front().schema);
    for (const auto& step : steps) MORTAR_RETURN_IF_ERROR(StepCompiler(step, query).Apply());
    return std::vector<CompiledOutput>{{query.ToSql(), query.schema()}};
  }
};

}  // namespace

std::shared_ptr<const VisualRecipe> MakePrepareRecipe() {
  return std::make_shared<PrepareRecipe>();
}

}  // namespace mortar::recipes
