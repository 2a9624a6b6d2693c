// The SQL recipe: a query, or a script whose last statement is the query, run in the
// output's database. The output table is replaced atomically. Inputs are referenced as
// ${dataset_name}, which becomes the input's quoted table name.
#include <cctype>

#include "recipes/builtin_recipes.h"
#include "sql/statement_splitter.h"

namespace mortar::recipes {

namespace {

struct SqlRecipeSpec {
  std::vector<std::string> statements;  // the last one is the query

  static Result<SqlRecipeSpec> FromConfig(const config::RecipeConfig& recipe) {
    config::ConfigObject params(recipe.params, recipe.file, "params");
    MORTAR_RETURN_IF_ERROR(params.CheckObject({"sql", "mode"}));
    MORTAR_ASSIGN_OR_RETURN(std::string sql, params.String("sql"));
    MORTAR_ASSIGN_OR_RETURN(std::string mode,
                            params.ChoiceOr("mode", {"query", "script"}, "query"));
    SqlRecipeSpec spec;
    spec.statements = sql::SplitStatements(sql);
    if (spec.statements.empty()) return params.Error("sql", "is empty");
    if (mode == "query" && spec.statements.size() > 1) {
      return params.Error("sql",
                          "a query holds one statement; set \"mode\": \"script\" to run several");
    }
    std::string last = spec.statements.back();
    std::string head;
    for (char c : last.substr(0, 6))
      head += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (head.rfind("SELECT", 0) != 0 && head.rfind("WITH", 0) != 0 &&
        head.rfind("VALUES", 0) != 0) {
      return params.Error("sql",
                          "the last statement must be a query (SELECT, WITH or VALUES): its rows "
                          "become the output");
    }
    return spec;
  }
};

// Replaces ${name} with the source of the input of that name.
Result<std::string> Substitute(const std::string& sql, const RecipeRun& run) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    std::size_t start = sql.find("${", pos);
    if (start == std::string::npos) break;
    std::size_t end = sql.find('}', start);
    if (end == std::string::npos)
      return Status::Invalid("unclosed ${ in the SQL of recipe '" + run.recipe.name + "'");
    out += sql.substr(pos, start - pos);
    std::string name = sql.substr(start + 2, end - start - 2);
    const Dataset* found = nullptr;
    for (const Dataset* input : run.inputs) {
      if (input->name() == name) found = input;
    }
    for (const Dataset* output : run.outputs) {
      if (output->name() == name) found = output;
    }
    if (found == nullptr || !found->SqlSource()) {
      return Status::Invalid("recipe '" + run.recipe.name + "': ${" + name +
                             "} is not one of the recipe's inputs or outputs in a database");
    }
    out += *found->SqlSource();
    pos = end + 1;
  }
  return out + sql.substr(pos);
}

class SqlRecipe final : public RecipeType {
 public:
  std::string_view name() const override { return "sql"; }
  Status Validate(const config::RecipeConfig& recipe) const override {
    if (recipe.outputs.size() != 1) {
      return Status::Invalid(recipe.file + ": a sql recipe has exactly one output");
    }
    return SqlRecipeSpec::FromConfig(recipe).status();
  }
};

class InDatabaseSqlEngine final : public Engine {
 public:
  std::string_view name() const override { return "in-database"; }
  std::string_view recipe_type() const override { return "sql"; }
  Status CanRun(const RecipeRun& run) const override { return SameSqlConnection(run); }

  Result<std::string> Explain(const RecipeRun& run) const override {
    MORTAR_ASSIGN_OR_RETURN(SqlRecipeSpec spec, SqlRecipeSpec::FromConfig(run.recipe));
    std::string text;
    for (const auto& statement : spec.statements) {
      MORTAR_ASSIGN_OR_RETURN(std::string resolved, Substitute(statement, run));
      text += resolved + ";\n";
    }
    return text;
  }

  Status Run(RecipeRun& run) const override {
    MORTAR_ASSIGN_OR_RETURN(SqlRecipeSpec spec, SqlRecipeSpec::FromConfig(run.recipe));
    Dataset& output = *run.outputs.front();
    SqlConnection* sql = output.connection().AsSql();
    for (std::size_t i = 0; i + 1 < spec.statements.size(); ++i) {
      MORTAR_ASSIGN_OR_RETURN(std::string statement, Substitute(spec.statements[i], run));
      run.log.Info("running statement " + std::to_string(i + 1) + " of the script");
      MORTAR_RETURN_IF_ERROR(sql->Execute(statement));
    }
    MORTAR_ASSIGN_OR_RETURN(std::string query, Substitute(spec.statements.back(), run));
    MORTAR_ASSIGN_OR_RETURN(Schema schema, sql->QuerySchema(query));
    run.log.Info("output schema: " + schema.ToString());
    MORTAR_ASSIGN_OR_RETURN(int64_t rows,
                            sql->ReplaceTableWithQuery(*output.SqlTable(), schema, query));
    MORTAR_ASSIGN_OR_RETURN(run.output_schemas, RecordedSchemas(*sql, output, schema));
    LogReplaced(run, rows, "rows");
    run.rows_written = rows;
    return Status::OK();
  }
};

}  // namespace

void RegisterSqlRecipe(Registry& registry) {
  registry.AddRecipeType(std::make_unique<SqlRecipe>());
  registry.AddEngine(std::make_unique<InDatabaseSqlEngine>());
}

}  // namespace mortar::recipes
