#include "mortar/sql/expression.h"

#include <gtest/gtest.h>

#include "mortar/sql/query.h"

namespace mortar::sql {
namespace {

Schema Columns() {
  return Schema({{"qty", Type::Int64()},
                 {"price", Type::Double()},
                 {"name", Type::String()},
                 {"day", Type::Date()},
                 {"unit price", Type::Double()},
                 {"a`b\"c;\nd", Type::String()}});
}

std::string Sqlite(std::string_view formula) {
  auto compiled = CompileFormula(formula, SqliteDialect(), Columns());
  return compiled.ok() ? compiled->sql : "error: " + compiled.status().message();
}

std::string Databricks(std::string_view formula) {
  auto compiled = CompileFormula(formula, DatabricksDialect(), Columns());
  return compiled.ok() ? compiled->sql : "error: " + compiled.status().message();
}

TEST(ExpressionTest, OperatorsKeepTheirPrecedence) {
  EXPECT_EQ(Sqlite("qty + price * 2"), "(\"qty\" + (\"price\" * 2))");
  EXPECT_EQ(Sqlite("(qty + 1) % 3 = 0 AND NOT name IS NULL"),
            "((((\"qty\" + 1) % NULLIF(3, 0)) = 0) AND (NOT (\"name\" IS NULL)))");
  EXPECT_EQ(Sqlite("-qty >= -1 OR `unit price` <> 2.5"),
            "(((-\"qty\") >= (-1)) OR (\"unit price\" <> 2.5))");
}

TEST(ExpressionTest, InLists) {
  EXPECT_EQ(Databricks("name IN ('a', 'b''c') AND qty NOT IN (1, -2)"),
            "((`name` IN ('a', 'b\\'c')) AND (`qty` NOT IN (1, (-2))))");
  EXPECT_EQ(Sqlite("qty IN (1, 'x')"),
            "error: formula 'qty IN (1, 'x')': type mismatch: cannot compare column 'qty' "
            "(int64) with 'x' (string)");
  EXPECT_EQ(Sqlite("qty NOT 1"),
            "error: formula 'qty NOT 1': expected IN, found '1' at character 9");
}

TEST(ExpressionTest, DivisionIsRealAndNullOnZeroEverywhere) {
  EXPECT_EQ(Sqlite("qty / 2"), "(CAST(\"qty\" AS DOUBLE) / NULLIF(2, 0))");
  EXPECT_EQ(Databricks("qty / 2"), "(CAST(`qty` AS DOUBLE) / NULLIF(2, 0))");
}

TEST(ExpressionTest, FunctionsAreSpelledPerDialect) {
  EXPECT_EQ(Sqlite("concat(name, '-', qty)"), "(\"name\" || '-' || CAST(\"qty\" AS TEXT))");
  EXPECT_EQ(Databricks("concat(name, '-', qty)"), "concat(`name`, '-', CAST(`qty` AS STRING))");
  EXPECT_EQ(Sqlite("year(day)"), "CAST(strftime('%Y', \"day\") AS INTEGER)");
  EXPECT_EQ(Databricks("month(day)"), "month(`day`)");
  EXPECT_EQ(Databricks("date_diff(day, date_add(day, 3))"), "datediff(date_add(`day`, 3), `day`)");
  EXPECT_EQ(Databricks("to_int(name)"), "TRY_CAST(`name` AS BIGINT)");
  EXPECT_EQ(Sqlite("to_int(name)"), "CAST(\"name\" AS BIGINT)");
  EXPECT_EQ(Databricks("if(qty > 1, 'many', 'one')"),
            "CASE WHEN (`qty` > 1) THEN 'many' ELSE 'one' END");
}

TEST(ExpressionTest, NamesAndStringsCannotBreakOut) {
  // A column whose name holds a backtick, a quote, a semicolon and a newline, and a
  // string holding quotes and backslashes: both stay one token in every dialect.
  EXPECT_EQ(Databricks("`a``b\"c;\nd` = 'x''; DROP TABLE t; --\\'"),
            "(`a``b\"c;\nd` = 'x\\'; DROP TABLE t; --\\\\')");
  EXPECT_EQ(Sqlite("`a``b\"c;\nd` = 'x''; DROP TABLE t; --'"),
            "(\"a`b\"\"c;\nd\" = 'x''; DROP TABLE t; --')");
}

TEST(ExpressionTest, BadFormulasSayWhatIsWrong) {
  EXPECT_EQ(Sqlite("nope + 1"),
            "error: formula 'nope + 1': unknown column 'nope' (the columns are: qty int64, price "
            "double, name string, day date, unit price double, a`b\"c;\nd string)");
  EXPECT_EQ(Sqlite("name + 1"),
            "error: formula 'name + 1': type mismatch: '+' needs numbers (use concat() to join "
            "text); column 'name' is string");
  EXPECT_EQ(Sqlite("qty = 'x'"),
            "error: formula 'qty = 'x'': type mismatch: cannot compare column 'qty' (int64) with "
            "'x' (string)");
  EXPECT_EQ(Sqlite("qty +"),
            "error: formula 'qty +': expected a value, found the end at character 6");
  EXPECT_EQ(Sqlite("'open"), "error: formula ''open': unterminated string at character 1");
  EXPECT_EQ(Sqlite("qty; DROP"),
            "error: formula 'qty; DROP': unexpected character ';' at character 4");
  EXPECT_EQ(Sqlite("upper(qty)"),
            "error: formula 'upper(qty)': type mismatch: upper() needs text as argument 1; column "
            "'qty' is int64");
  EXPECT_EQ(
      Sqlite("frobnicate(qty)")
          .rfind("error: formula 'frobnicate(qty)': unknown function 'frobnicate' (known: upper",
                 0),
      0u);
  EXPECT_EQ(Sqlite("if(qty > 1, 'a', 2)"),
            "error: formula 'if(qty > 1, 'a', 2)': type mismatch: the values of if() are string "
            "and int64");
}

TEST(ExpressionTest, TypesFollowTheOperands) {
  auto type = [](std::string_view formula) {
    auto compiled = CompileFormula(formula, SqliteDialect(), Columns());
    return compiled.ok() ? compiled->type.ToString() : compiled.status().message();
  };
  EXPECT_EQ(type("qty * 2"), "int64");
  EXPECT_EQ(type("qty * price"), "double");
  EXPECT_EQ(type("qty > 1"), "boolean");
  EXPECT_EQ(type("coalesce(qty, 0)"), "int64");
  EXPECT_EQ(type("coalesce(qty, price)"), "double");
  EXPECT_EQ(type("date_add(day, 1)"), "date");
  EXPECT_EQ(type("length(name)"), "int64");
}

TEST(ExpressionTest, ValuesBecomeLiteralsOfTheColumnsType) {
  EXPECT_EQ(*ValueLiteral(SqliteDialect(), "12.5", Type::Double()), "12.5");
  EXPECT_EQ(*ValueLiteral(DatabricksDialect(), "it's", Type::String()), "'it\\'s'");
  EXPECT_FALSE(ValueLiteral(SqliteDialect(), "1; DROP TABLE t", Type::Int64()).ok());
  EXPECT_FALSE(ValueLiteral(SqliteDialect(), "maybe", Type::Boolean()).ok());
}

TEST(QueryBuilderTest, OneCtePerStepAndTheLastStepInline) {
  QueryBuilder query(SqliteDialect(), "\"t\"", Schema({{"a", Type::Int64()}}));
  EXPECT_EQ(query.ToSql(), "SELECT\n  \"a\"\nFROM \"t\"");
  query.AddSelect("filter", query.PassThrough(), query.schema(), "WHERE \"a\" > 1");
  EXPECT_EQ(query.ToSql(), "SELECT\n  \"a\"\nFROM \"t\"\nWHERE \"a\" > 1");
  query.AddSelect("double", {query.Item("\"a\" * 2", "b")}, Schema({{"b", Type::Int64()}}));
  EXPECT_EQ(query.ToSql(),
            "WITH\nstep1_filter AS (\n  SELECT\n    \"a\"\n  FROM \"t\"\n  WHERE \"a\" > 1\n)\n"
            "SELECT\n  \"a\" * 2 AS \"b\"\nFROM step1_filter");
  EXPECT_EQ(query.schema().Names(), std::vector<std::string>{"b"});
}

}  // namespace
}  // namespace mortar::sql

namespace mortar::sql {
namespace {

// Found by fuzz/formula_fuzzer.cc: deep formulas overflowed the stack (parsing, then
// compiling and freeing the tree). They are refused with a message that says what to do.
TEST(ExpressionTest, AFormulaTooDeepIsRefusedNotAStackOverflow) {
  const std::string nested = std::string(100000, '(') + "qty" + std::string(100000, ')');
  const std::string chain = [] {
    std::string text = "qty";
    for (int i = 0; i < 100000; ++i) text += " + qty";
    return text;
  }();
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "NOT ";
  for (const std::string& formula : {nested, chain, nots + "TRUE", std::string(100000, '-') + "qty",
                                     std::string(50000, 'f') + std::string(100000, '(') + "qty"}) {
    auto parsed = ParseExpression(formula);
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.status().message().find("nests more than 200 levels"), std::string::npos)
        << parsed.status().message().substr(0, 300);
  }
}

TEST(ExpressionTest, ADeepButReasonableFormulaCompiles) {
  std::string formula = "qty";
  for (int i = 0; i < 150; ++i) formula = "(" + formula + " + 1)";
  auto compiled = CompileFormula(formula, SqliteDialect(), Columns());
  ASSERT_TRUE(compiled.ok()) << compiled.status().message();
  EXPECT_EQ(compiled->type, Type::Int64());
}

}  // namespace
}  // namespace mortar::sql
