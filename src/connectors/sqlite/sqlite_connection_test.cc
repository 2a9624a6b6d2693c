#include <arrow/api.h>
#include <gtest/gtest.h>

#include <tuple>

#include "connectors/sqlite/scratch_database.h"
#include "mortar/connectors/dataset.h"
#include "mortar/core/cell_text.h"
#include "mortar/core/interrupt.h"
#include "testing/temp_home.h"

namespace mortar {
namespace {

TEST(SqliteConnectionTest, RoundTripsEveryType) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  auto connection = context->GetConnection("sqlite_default");
  ASSERT_TRUE(connection.ok());
  SqlConnection* sql = (*connection)->AsSql();
  ASSERT_NE(sql, nullptr);
  ASSERT_TRUE(sql->Execute("CREATE TABLE src (i INTEGER, d TEXT, t TEXT)").ok());
  ASSERT_TRUE(
      sql->Execute(
             "INSERT INTO src VALUES (1, '2024-01-01', '2024-01-01 10:00:00Z'), (NULL, NULL, NULL)")
          .ok());
  Schema schema({{"i", Type::Int32(), true},
                 {"d", Type::Date(), true},
                 {"t", Type::Timestamp(), true},
                 {"amount", *Type::Decimal(12, 3), true},
                 {"flag", Type::Boolean(), true},
                 {"blob", Type::Binary(), true},
                 {"items", Type::Map(Type::String(), Type::Int64()), true}});
  auto query = sql->Query(
      "SELECT i, d, t, '12.345' AS amount, 1 AS flag, x'00ff' AS blob, '{\"k\": 2}' AS items FROM "
      "src");
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  // Write through the typed writer, read back through a table dataset.
  auto writer = sql->OpenTableWriter({"", "", "typed"}, schema, WriteMode::kReplace);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  arrow::Int32Builder ints;
  ASSERT_TRUE(ints.Append(7).ok());
  ASSERT_TRUE(ints.AppendNull().ok());
  std::vector<std::shared_ptr<arrow::Array>> columns = {ints.Finish().ValueOrDie()};
  for (std::size_t c = 1; c < schema.size(); ++c) {
    columns.push_back(arrow::MakeArrayOfNull(schema[c].type.ToArrow(), 2).ValueOrDie());
  }
  auto batch = arrow::RecordBatch::Make(schema.ToArrow(), 2, columns);
  ASSERT_TRUE((*writer)->Write(*batch).ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  auto described = sql->DescribeTable({"", "", "typed"});
  ASSERT_TRUE(described.ok() && described->has_value());
  EXPECT_EQ((*described)->ToString(), schema.ToString());
  auto read = sql->Query("SELECT * FROM typed");
  ASSERT_TRUE(read.ok());
  auto first = (*read)->Next();
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_EQ((*first)->num_rows(), 2);
  EXPECT_EQ(static_cast<const arrow::Int32Array&>(*(*first)->column(0)).Value(0), 7);
}

// Table and query datasets asked for some columns select those, in that order.
TEST(SqliteConnectionTest, DatasetsReadOnlyTheColumnsAskedFor) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  auto connection = context->GetConnection("sqlite_default");
  ASSERT_TRUE(connection.ok());
  SqlConnection* sql = (*connection)->AsSql();
  ASSERT_TRUE(sql->Execute("CREATE TABLE wide (id INTEGER, note TEXT, amount REAL)").ok());
  ASSERT_TRUE(sql->Execute("INSERT INTO wide VALUES (1, 'a', 1.5), (2, 'b', 2.5)").ok());
  config::Json table = {{"table", "wide"}};
  config::Json query = {{"query", "SELECT id, note, amount FROM wide"}};
  for (const auto& [name, type, params] :
       {std::tuple{"t", "sql_table", table}, std::tuple{"q", "sql_query", query}}) {
    SCOPED_TRACE(name);
    auto dataset = context->MakeDataset(
        config::DatasetConfig{name, "sqlite_default", type, params, std::nullopt, "d.json"});
    ASSERT_TRUE(dataset.ok()) << dataset.status().ToString();
    auto reader = (*dataset)->Read(ReadOptions{.limit = 5, .columns = {"amount", "id"}});
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto batch = (*reader)->Next();
    ASSERT_TRUE(batch.ok() && *batch) << batch.status().ToString();
    ASSERT_EQ((*batch)->num_columns(), 2);
    EXPECT_EQ((*batch)->schema()->field(0)->name(), "amount");
    EXPECT_EQ((*batch)->schema()->field(1)->name(), "id");
    EXPECT_EQ(CellToText(*(*batch)->column(0), 1), "2.5");
    EXPECT_EQ(CellToText(*(*batch)->column(1), 1), "2");
  }
}

// A table dataset's read asks the database once; when the table changed under the
// dataset, the refusal says how, and what to do.
TEST(SqliteConnectionTest, ATableChangedUnderItsDatasetIsRefusedSayingHow) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  SqlConnection* sql = (*context->GetConnection("sqlite_default"))->AsSql();
  ASSERT_TRUE(
      sql->Execute("CREATE TABLE t (id INTEGER, note TEXT); INSERT INTO t VALUES (1, 'a')").ok());
  auto declared = sql->DescribeTable({"", "", "t"});
  ASSERT_TRUE(declared.ok() && declared->has_value());
  auto dataset = context->MakeDataset(config::DatasetConfig{
      "d", "sqlite_default", "sql_table", {{"table", "t"}}, **declared, "d.json"});
  ASSERT_TRUE(dataset.ok()) << dataset.status().ToString();
  auto read = [&]() -> Status {
    auto reader = (*dataset)->Read(ReadOptions{.limit = 10});
    if (!reader.ok()) return reader.status();
    auto batch = (*reader)->Next();
    if (!batch.ok()) return batch.status();
    EXPECT_TRUE(*batch && (*batch)->num_rows() == 1);
    return Status::OK();
  };
  Status first = read();
  EXPECT_TRUE(first.ok()) << first.ToString();

  ASSERT_TRUE(sql->Execute("ALTER TABLE t DROP COLUMN note").ok());
  Status dropped = read();
  EXPECT_NE(dropped.message().find("column 'note' of the dataset's schema is not in table t; "
                                   "update the schema with 'mortar dataset detect'"),
            std::string::npos)
      << dropped.ToString();

  ASSERT_TRUE(sql->Execute("DROP TABLE t; CREATE TABLE t (id TEXT, note TEXT)").ok());
  ASSERT_TRUE(sql->Execute("INSERT INTO t VALUES ('1', 'a')").ok());
  Status retyped = read();
  EXPECT_NE(retyped.message().find("column 'id' is string in table t but int64"), std::string::npos)
      << retyped.ToString();

  ASSERT_TRUE(sql->Execute("DROP TABLE t").ok());
  Status missing = read();
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound) << missing.ToString();
  EXPECT_NE(missing.message().find("table t does not exist in connection 'sqlite_default'"),
            std::string::npos)
      << missing.ToString();
}

// A name in double quotes is a column, never a string: a misspelt one is an error.
TEST(SqliteConnectionTest, ADoubleQuotedNameThatIsNoColumnIsAnError) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  SqlConnection* sql = (*context->GetConnection("sqlite_default"))->AsSql();
  ASSERT_TRUE(sql->Execute("CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (1)").ok());
  auto query = sql->Query("SELECT \"nosuch\" FROM t");
  ASSERT_FALSE(query.ok());
  EXPECT_NE(query.status().message().find("no such column: nosuch"), std::string::npos)
      << query.status().ToString();
}

TEST(SqliteConnectionTest, FailedReplaceLeavesTheOldTable) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  SqlConnection* sql = (*context->GetConnection("sqlite_default"))->AsSql();
  ASSERT_TRUE(sql->Execute("CREATE TABLE out (a INTEGER); INSERT INTO out VALUES (1), (2)").ok());
  Schema schema({{"a", Type::Int64(), true}});
  auto failed =
      sql->ReplaceTableWithQuery({"", "", "out"}, schema, "SELECT no_such_column FROM out");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("no such column"), std::string::npos);
  {
    auto writer = sql->OpenTableWriter({"", "", "out"}, schema, WriteMode::kReplace);
    ASSERT_TRUE(writer.ok());
    // Abandoned without Commit.
  }
  auto count = sql->Query("SELECT COUNT(*) AS n FROM out");
  ASSERT_TRUE(count.ok());
  auto batch = (*count)->Next();
  ASSERT_TRUE(batch.ok() && *batch);
  EXPECT_EQ(static_cast<const arrow::Int64Array&>(*(*batch)->column(0)).Value(0), 2);
  auto tables = sql->ListTables("", "");
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(tables->size(), 1u);  // no staging table left
}

TEST(SqliteConnectionTest, IdentifiersWithQuotesAreQuotedNotInjected) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  SqlConnection* sql = (*context->GetConnection("sqlite_default"))->AsSql();
  Schema schema({{"we\"ird; DROP TABLE x; --", Type::String(), true}});
  auto writer =
      sql->OpenTableWriter({"", "", "t\"; DROP TABLE keep; --"}, schema, WriteMode::kReplace);
  ASSERT_TRUE(sql->Execute("CREATE TABLE keep (a INTEGER)").ok());
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Commit().ok());
  auto tables = sql->ListTables("", "");
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(tables->size(), 2u);
}

TEST(SqliteConnectionTest, SyntaxErrorNamesTheConnection) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  SqlConnection* sql = (*context->GetConnection("sqlite_default"))->AsSql();
  auto result = sql->Query("SELEC 1");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("connection 'sqlite_default': SQL error"),
            std::string::npos);
  auto two = sql->Query("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.ok());
}

// Reads every row of a query; the rows' first column as text, or the error.
Result<std::vector<std::string>> FirstColumn(SqlConnection& sql, const std::string& query) {
  MORTAR_ASSIGN_OR_RETURN(auto reader, sql.Query(query));
  std::vector<std::string> values;
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
    if (!batch) break;
    for (int64_t row = 0; row < batch->num_rows(); ++row)
      values.push_back(batch->column(0)->GetScalar(row).ValueOrDie()->ToString());
  }
  return values;
}

TEST(SqliteConnectionTest, UsersSqlCannotReachBeyondTheDatabase) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  SqlConnection* sql = (*context->GetConnection("sqlite_default"))->AsSql();
  // One argument hands out a pointer into the process; refused.
  auto pointer = FirstColumn(*sql, "SELECT hex(fts3_tokenizer('simple'))");
  ASSERT_FALSE(pointer.ok());
  EXPECT_NE(pointer.status().message().find("not authorized"), std::string::npos)
      << pointer.status().ToString();
  auto attach = sql->Execute("ATTACH DATABASE '" + (temp.root() / "other.db").string() + "' AS o");
  EXPECT_FALSE(attach.ok());
  EXPECT_FALSE(std::filesystem::exists(temp.root() / "other.db"));
  EXPECT_FALSE(FirstColumn(*sql, "SELECT load_extension('libc.so.6')").ok());
  // Defensive mode: the schema table cannot be written.
  ASSERT_TRUE(sql->Execute("CREATE TABLE t (x INTEGER)").ok());
  EXPECT_FALSE(sql->Execute("PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql='x'").ok());
}

TEST(SqliteConnectionTest, AStatementWithReturningRunsOnce) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  SqlConnection* sql = (*context->GetConnection("sqlite_default"))->AsSql();
  ASSERT_TRUE(sql->Execute("CREATE TABLE counter (n INTEGER)").ok());
  auto inserted = FirstColumn(*sql, "INSERT INTO counter VALUES (1 + 1) RETURNING n * 10");
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  EXPECT_EQ(*inserted, std::vector<std::string>{"20"});
  auto rows = FirstColumn(*sql, "SELECT COUNT(*) FROM counter");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, std::vector<std::string>{"1"});
}

TEST(SqliteConnectionTest, AQueryThatComputesTooLongIsStopped) {
  testing::TempHome temp;
  config::ConnectionConfig config{"slow",
                                  "sqlite",
                                  "",
                                  {{"path", "sqlite/slow.db"}, {"query_timeout_seconds", 1}},
                                  config::Json::object(),
                                  "slow"};
  auto connection = temp.MakeContext()->MakeConnection(config);
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  auto endless = FirstColumn(*(*connection)->AsSql(),
                             "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) "
                             "SELECT MAX(i) FROM r");
  ASSERT_FALSE(endless.ok());
  EXPECT_EQ(endless.status().code(), ErrorCode::kCancelled);
  EXPECT_NE(endless.status().message().find("stopped after 1 s"), std::string::npos)
      << endless.status().ToString();
  // The limit is per step: loads and later statements are not cut short by it.
  EXPECT_TRUE((*connection)->AsSql()->Execute("CREATE TABLE after (x INTEGER)").ok());
}

TEST(SqliteConnectionTest, AnInterruptedReplaceLeavesTheOldTable) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  SqlConnection* sql = (*context->GetConnection("sqlite_default"))->AsSql();
  ASSERT_TRUE(sql->Execute("CREATE TABLE out (a INTEGER); INSERT INTO out VALUES (1), (2)").ok());
  Schema schema({{"a", Type::Int64(), true}});
  InterruptRequested() = true;  // Ctrl-C while the recipe's statement runs
  auto interrupted = sql->ReplaceTableWithQuery(
      {"", "", "out"}, schema,
      "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 2000000) "
      "SELECT i FROM r");
  InterruptRequested() = false;
  ASSERT_FALSE(interrupted.ok());
  EXPECT_EQ(interrupted.status().code(), ErrorCode::kCancelled) << interrupted.status().ToString();
  auto count = FirstColumn(*sql, "SELECT COUNT(*) FROM out");
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, std::vector<std::string>{"2"});
  auto tables = sql->ListTables("", "");
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(tables->size(), 1u);  // no staging table left
}

}  // namespace
}  // namespace mortar

namespace mortar {
namespace {

TEST(ScratchDatabaseTest, IsTunedAsTheThrowawayFileItIs) {
  testing::TempHome temp;
  sqlite::ScratchDatabase scratch(temp.root(), "tuned");
  auto value = [&](const std::string& pragma) {
    auto reader = scratch.connection().Query("PRAGMA " + pragma);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    auto batch = (*reader)->Next();
    EXPECT_TRUE(batch.ok() && *batch);
    return CellToText(*(*batch)->column(0), 0);
  };
  EXPECT_EQ(value("journal_mode"), "memory");
  EXPECT_EQ(value("synchronous"), "0");
  EXPECT_EQ(value("threads"), "2");
}

}  // namespace
}  // namespace mortar
