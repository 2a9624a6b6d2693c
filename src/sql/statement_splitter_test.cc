#include "sql/statement_splitter.h"

#include <gtest/gtest.h>

namespace mortar::sql {
namespace {

TEST(StatementSplitterTest, SplitsOutsideQuotesAndComments) {
  auto statements = SplitStatements(
      "CREATE TABLE t (a TEXT); -- a comment; with a semicolon\n"
      "INSERT INTO t VALUES ('x;y', \"q;\"\"\"); /* ; */ SELECT * FROM t;;");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0], "CREATE TABLE t (a TEXT)");
  EXPECT_EQ(statements[1], "INSERT INTO t VALUES ('x;y', \"q;\"\"\")");
  EXPECT_EQ(statements[2], "SELECT * FROM t");
  EXPECT_TRUE(SplitStatements("  ;  ").empty());
  auto spark = SplitStatements("SELECT 'it\\'s; here'; SELECT 2", /*backslash_escapes=*/true);
  ASSERT_EQ(spark.size(), 2u);
  EXPECT_EQ(spark[0], "SELECT 'it\\'s; here'");
}

}  // namespace
}  // namespace mortar::sql
