#include "connectors/sqlite/sqlite_stddev.h"

#include <gtest/gtest.h>

#include "testing/query_column.h"
#include "testing/temp_home.h"

namespace mortar {
namespace {

using testing::QueryColumn;

TEST(SqliteStddevTest, KeepsTheSpreadOfCloseLargeValuesAndMovesWithItsFrame) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  SqlConnection& sql = *(*context->GetConnection("sqlite_default"))->AsSql();
  ASSERT_TRUE(sql.Execute("CREATE TABLE r (i INTEGER, v DOUBLE); INSERT INTO r VALUES "
                          "(1, 100000001), (2, 100000002), (3, NULL), (4, 100000003), "
                          "(5, 100000007)")
                  .ok());
  EXPECT_EQ(QueryColumn(sql, "SELECT mortar_stddev(v) FROM r WHERE i <= 4"),
            std::vector<std::string>{"1.0"});
  EXPECT_EQ(QueryColumn(sql, "SELECT mortar_stddev(v) FROM r WHERE i = 1"),
            std::vector<std::string>{"NULL"});
  // Two rows at a time, the frame moving on (values leaving through the inverse).
  EXPECT_EQ(QueryColumn(sql,
                        "SELECT mortar_stddev(v) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND "
                        "CURRENT ROW) FROM r ORDER BY i"),
            (std::vector<std::string>{"NULL", "0.7071067811865476", "NULL", "NULL",
                                      "2.8284271247461903"}));
}

}  // namespace
}  // namespace mortar
