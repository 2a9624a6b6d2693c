#include "mortar/sql/dialect.h"

#include <gtest/gtest.h>

namespace mortar::sql {
namespace {

TEST(DialectTest, SqliteQuotesIdentifiersAndStrings) {
  const Dialect& dialect = SqliteDialect();
  EXPECT_EQ(dialect.QuoteIdentifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(dialect.QuoteString("it's"), "'it''s'");
  EXPECT_EQ(dialect.TableReference({"", "main", "t"}), "\"main\".\"t\"");
  EXPECT_EQ(dialect.MortarType(dialect.NativeType(*Type::Parse("array<int64>")))->ToString(),
            "array<int64>");
  EXPECT_EQ(dialect.MortarType("VARCHAR(20)")->ToString(), "string");
}

TEST(DialectTest, SqliteKeepsDecimalsAsTextComparedAndSummedByValue) {
  const Dialect& dialect = SqliteDialect();
  Type money = *Type::Parse("decimal(28,2)");
  // TEXT affinity: SQLite keeps every digit instead of converting to a double.
  EXPECT_EQ(dialect.NativeType(money), "TEXT DECIMAL(28,2)");
  EXPECT_EQ(
      dialect.CreateTable({"", "", "t"}, Schema(std::vector<Column>{{"amount", money, true}})),
      "CREATE TABLE \"t\" (\"amount\" TEXT DECIMAL(28,2) COLLATE mortar_decimal)");
  EXPECT_EQ(dialect.MortarType("TEXT DECIMAL(28,2)")->ToString(), "decimal(28,2)");
  // Tables Mortar wrote before (NUMERIC affinity) still read as decimals.
  EXPECT_EQ(dialect.MortarType("DECIMAL(10,2)")->ToString(), "decimal(10,2)");
  EXPECT_EQ(dialect.AggregateCall(Aggregate::kSum, "x", money), "mortar_decimal_sum(x)");
  EXPECT_EQ(dialect.AggregateCall(Aggregate::kAvg, "x", money), "mortar_decimal_avg(x, 6)");
  EXPECT_EQ(dialect.AggregateCall(Aggregate::kMax, "x", money), "MAX((x) COLLATE mortar_decimal)");
  EXPECT_EQ(dialect.AggregateCall(Aggregate::kSum, "x", Type::Double()), "SUM(x)");
  EXPECT_EQ(dialect.Cast("x", money), "(mortar_decimal(x, 28, 2) COLLATE mortar_decimal)");
  EXPECT_EQ(DatabricksDialect().Cast("x", money), "CAST(x AS DECIMAL(28,2))");
}

}  // namespace
}  // namespace mortar::sql

namespace mortar::sql {
namespace {

TEST(DialectTest, DatabricksQuotesWithBackticksAndEscapes) {
  const Dialect& dialect = DatabricksDialect();
  EXPECT_EQ(dialect.QuoteIdentifier("a`b"), "`a``b`");
  EXPECT_EQ(dialect.QuoteString("it's a \\ \n"), "'it\\'s a \\\\ \\n'");
  // Spark's ${...} substitution cannot see a value's "${".
  EXPECT_EQ(dialect.QuoteString("${env:HOME} $5"), "'\\u0024{env:HOME} $5'");
  EXPECT_EQ(dialect.TableReference({"main", "sales", "orders"}), "`main`.`sales`.`orders`");
  EXPECT_EQ(dialect.NativeType(*Type::Parse("struct<a:int64,b:array<decimal(10,2)>>")),
            "STRUCT<`a`: BIGINT, `b`: ARRAY<DECIMAL(10,2)>>");
}

TEST(DialectTest, DatabricksTypeNamesMapToMortarTypes) {
  const Dialect& dialect = DatabricksDialect();
  auto check = [&](std::string_view native, std::string_view expected) {
    auto type = dialect.MortarType(native);
    ASSERT_TRUE(type.ok()) << native << ": " << type.status().ToString();
    EXPECT_EQ(type->ToString(), expected) << native;
  };
  check("int", "int32");
  check("BIGINT", "int64");
  check("decimal(38,18)", "decimal(38,18)");
  check("timestamp", "timestamp");
  check("timestamp_ntz", "timestamp_ntz");
  check("varchar(20)", "string");
  check("array<int>", "array<int32>");
  check("map<string,bigint>", "map<string,int64>");
  check("struct<Id:int,name:string>", "struct<Id:int32,name:string>");
  check("void", "string");
  check("binary", "binary");
  check("interval day to second", "string");
  // A column of a type Mortar does not know is described, and read, as text.
  EXPECT_FALSE(dialect.MortarType("variant").ok());
  EXPECT_EQ(dialect.DescribedType("variant"), Type::String());
  EXPECT_EQ(dialect.DescribedType("DECIMAL(38,2)").ToString(), "decimal(38,2)");
}

}  // namespace
}  // namespace mortar::sql

namespace mortar::sql {
namespace {

TEST(DialectTest, FunctionsAndLimitsDifferPerDatabase) {
  EXPECT_EQ(SqliteDialect().AggregateCall(Aggregate::kStddev, "x", Type::Double()),
            "mortar_stddev(x)");
  EXPECT_EQ(DatabricksDialect().AggregateCall(Aggregate::kStddev, "x", Type::Double()),
            "STDDEV_SAMP(x)");
  EXPECT_EQ(SqliteDialect().AddDays("d", "2"), "date(d, printf('%+d days', 2))");
  EXPECT_EQ(DatabricksDialect().RandomBelow(0.25), "rand() < 0.250000");
  EXPECT_EQ(SqliteDialect().ColumnNameProblem("a b;c"), "");
  // Delta holds these names with column mapping (delta_table_properties_test.cc).
  EXPECT_EQ(DatabricksDialect().ColumnNameProblem("a b"), "");
  EXPECT_EQ(DatabricksDialect().ColumnNameProblem("a;b"), "");
  EXPECT_EQ(DatabricksDialect().ColumnNameProblem("a_b"), "");
  EXPECT_NE(DatabricksDialect().ColumnNameProblem(""), "");
  EXPECT_NE(DatabricksDialect().ColumnNameProblem("a${env:HOME}"), "");
  EXPECT_EQ(DatabricksDialect().ColumnNameProblem("cost in $ {a}"), "");
  EXPECT_EQ(SqliteDialect().ColumnNameProblem("a${env:HOME}"), "");
  EXPECT_NE(SqliteDialect().ColumnNameProblem(""), "");
}

}  // namespace
}  // namespace mortar::sql
