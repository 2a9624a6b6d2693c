// The plain INSERT writer over a fake connection that records what it runs: a write
// that fits in one statement is that statement alone, a larger one goes through a
// staging table. The statements run on the stand-in's Spark in
// tests/integration/test_databricks.py and test_recipe_cases.py.
#include "connectors/databricks/insert_writer.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <vector>

namespace mortar::databricks {
namespace {

class RecordingTarget final : public InsertTarget {
 public:
  const sql::Dialect& dialect() const override { return sql::DatabricksDialect(); }
  Status ExecuteOne(const std::string& sql) override {
    statements.push_back(sql);
    if (fail_on_statement == statements.size()) return Status::Internal("the server refused it");
    return Status::OK();
  }
  Status CreateIfMissing(const sql::TableName& table, const Schema&) override {
    statements.push_back("(create if missing " + table.table + ")");
    return Status::OK();
  }
  std::vector<std::string> statements;
  std::size_t fail_on_statement = 0;  // 1-based; 0: none fails
};

struct InsertWriterTest : ::testing::Test {
  InsertWriterTest() {
    schema.Add(Column{"id", Type::Int64(), true});
    schema.Add(Column{"name", Type::String(), true});
  }
  InsertWriter Writer(WriteMode mode) {
    return InsertWriter(target, sql::TableName{"", "s", "t"}, sql::TableName{"", "s", "t_stage"},
                        schema, mode);
  }
  // `rows` rows, each with a name of `name_bytes` bytes (the last one null).
  std::shared_ptr<arrow::RecordBatch> Rows(int64_t rows, std::size_t name_bytes = 1) {
    arrow::Int64Builder ids;
    arrow::StringBuilder names;
    for (int64_t i = 0; i < rows; ++i) {
      EXPECT_TRUE(ids.Append(i).ok());
      EXPECT_TRUE(
          (i + 1 < rows ? names.Append(std::string(name_bytes, 'x')) : names.AppendNull()).ok());
    }
    return arrow::RecordBatch::Make(schema.ToArrow(), rows,
                                    {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie()});
  }
  Schema schema;
  RecordingTarget target;
};

TEST_F(InsertWriterTest, AReplaceThatFitsOneStatementIsThatStatementAlone) {
  InsertWriter writer = Writer(WriteMode::kReplace);
  ASSERT_TRUE(writer.Write(*Rows(2)).ok());
  ASSERT_TRUE(writer.Commit().ok());
  EXPECT_EQ(target.statements,
            std::vector<std::string>{"CREATE OR REPLACE TABLE `s`.`t` USING DELTA AS\n"
                                     "SELECT CAST(`_0` AS BIGINT) AS `id`, "
                                     "CAST(`_1` AS STRING) AS `name`\n"
                                     "FROM VALUES\n(0L, 'x'),\n(1L, NULL) AS held(`_0`, `_1`)"});
}

TEST_F(InsertWriterTest, AnAppendThatFitsOneStatementInsertsIntoTheTarget) {
  InsertWriter writer = Writer(WriteMode::kAppend);
  ASSERT_TRUE(writer.Write(*Rows(2)).ok());
  ASSERT_TRUE(writer.Commit().ok());
  EXPECT_EQ(target.statements,
            (std::vector<std::string>{"(create if missing t)",
                                      "INSERT INTO `s`.`t` VALUES\n(0L, 'x'),\n(1L, NULL)"}));
}

TEST_F(InsertWriterTest, AFailedOneStatementWriteCreatesAndDropsNothing) {
  target.fail_on_statement = 1;
  InsertWriter writer = Writer(WriteMode::kReplace);
  ASSERT_TRUE(writer.Write(*Rows(3)).ok());
  Status status = writer.Commit();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("refused"), std::string::npos);
  EXPECT_EQ(target.statements.size(), 1u);
}

TEST_F(InsertWriterTest, RowsBeyondOneStatementGoThroughAStagingTableThatIsDropped) {
  InsertWriter writer = Writer(WriteMode::kReplace);
  ASSERT_TRUE(writer.Write(*Rows(3, 600 * 1024)).ok());  // about 1.2 MiB of SQL: two INSERTs
  ASSERT_TRUE(writer.Commit().ok());
  ASSERT_EQ(target.statements.size(), 5u);
  EXPECT_EQ(target.statements[0].rfind("CREATE TABLE `s`.`t_stage`", 0), 0u)
      << target.statements[0];
  EXPECT_EQ(target.statements[1].rfind("INSERT INTO `s`.`t_stage` VALUES\n(0L, ", 0), 0u);
  EXPECT_EQ(target.statements[2].rfind("INSERT INTO `s`.`t_stage` VALUES\n(2L, NULL)", 0), 0u);
  EXPECT_EQ(target.statements[3],
            "CREATE OR REPLACE TABLE `s`.`t` USING DELTA AS SELECT * FROM `s`.`t_stage`");
  EXPECT_EQ(target.statements[4], "DROP TABLE IF EXISTS `s`.`t_stage`");
}

TEST_F(InsertWriterTest, NoRowsStillGiveTheTargetItsSchema) {
  InsertWriter writer = Writer(WriteMode::kReplace);
  ASSERT_TRUE(writer.Commit().ok());
  ASSERT_EQ(target.statements.size(), 3u);
  EXPECT_EQ(target.statements[0].rfind("CREATE TABLE `s`.`t_stage`", 0), 0u);
  EXPECT_EQ(target.statements[1],
            "CREATE OR REPLACE TABLE `s`.`t` USING DELTA AS SELECT * FROM `s`.`t_stage`");
}

}  // namespace
}  // namespace mortar::databricks
