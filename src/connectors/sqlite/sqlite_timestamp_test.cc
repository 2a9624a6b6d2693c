#include "connectors/sqlite/sqlite_timestamp.h"

#include <gtest/gtest.h>

#include "testing/query_column.h"
#include "testing/temp_home.h"

namespace mortar {
namespace {

using sqlite::CompareTimestampText;

TEST(SqliteTimestampTest, TheEndOfTheSecondsSortsBeforeTheirFraction) {
  EXPECT_LT(CompareTimestampText("2024-01-01 10:00:00Z", "2024-01-01 10:00:00.500000Z"), 0);
  EXPECT_LT(CompareTimestampText("2024-01-01 10:00:00.500000Z", "2024-01-01 10:00:01Z"), 0);
  EXPECT_EQ(CompareTimestampText("2024-01-01 10:00:00Z", "2024-01-01 10:00:00Z"), 0);
  EXPECT_GT(CompareTimestampText("2024-01-02 00:00:00Z", "2024-01-01 23:59:59.999999Z"), 0);
  // Without zone, as bytes: the shorter first.
  EXPECT_LT(CompareTimestampText("2024-01-01 10:00:00", "2024-01-01 10:00:00.500000"), 0);
}

using testing::QueryColumn;

TEST(SqliteTimestampTest, ColumnsSortCompareAndAggregateByTime) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  SqlConnection& sql = *(*context->GetConnection("sqlite_default"))->AsSql();
  const sql::Dialect& dialect = sql.dialect();
  Schema schema({{"ts", Type::Timestamp(), true}});
  ASSERT_TRUE(sql.Execute(dialect.CreateTable({"", "", "events"}, schema)).ok());
  // As Mortar's writer stores them.
  ASSERT_TRUE(sql.Execute("INSERT INTO events VALUES ('2024-01-01 10:00:00.500000Z'), "
                          "('2024-01-01 10:00:00Z'), ('2024-01-01 09:59:59.999999Z')")
                  .ok());
  EXPECT_EQ(QueryColumn(sql, "SELECT ts FROM events ORDER BY ts"),
            (std::vector<std::string>{"2024-01-01 09:59:59.999999Z", "2024-01-01 10:00:00Z",
                                      "2024-01-01 10:00:00.500000Z"}));
  EXPECT_EQ(QueryColumn(sql, "SELECT MAX(ts) FROM events"),
            std::vector<std::string>{"2024-01-01 10:00:00.500000Z"});
  EXPECT_EQ(QueryColumn(sql, "SELECT COUNT(*) FROM events WHERE ts > '2024-01-01 10:00:00Z'"),
            std::vector<std::string>{"1"});
  // An aggregate of an expression, which has no column's collation (a pivot's CASE).
  std::string max =
      dialect.AggregateCall(sql::Aggregate::kMax, "CASE WHEN 1 = 1 THEN ts END", Type::Timestamp());
  EXPECT_EQ(QueryColumn(sql, "SELECT " + max + " FROM events"),
            std::vector<std::string>{"2024-01-01 10:00:00.500000Z"});
}

}  // namespace
}  // namespace mortar
