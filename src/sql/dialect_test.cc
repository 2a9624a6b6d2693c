#include "mortar/sql/dialect.h"

#include <gtest/gtest.h>

namespace mortar::sql {
namespace {

TEST(DialectTest, SqliteQuotesIdentifiersAndStrings) {
  const Dialect& dialect = SqliteDialect();
  EXPECT_EQ(dialect.QuoteIdentifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(dialect.QuoteString("it's"), "'it''s'");
  EXPECT_EQ(dialect.TableReference({"", "main", "t"}), "\"main\".\"t\"");
  EXPECT_EQ(dialect.NativeType(*Type::Parse("decimal(10,2)")), "DECIMAL(10,2)");
  EXPECT_EQ(dialect.MortarType("DECIMAL(10,2)")->ToString(), "decimal(10,2)");
  EXPECT_EQ(dialect.MortarType(dialect.NativeType(*Type::Parse("array<int64>")))->ToString(),
            "array<int64>");
  EXPECT_EQ(dialect.MortarType("VARCHAR(20)")->ToString(), "string");
}

}  // namespace
}  // namespace mortar::sql
