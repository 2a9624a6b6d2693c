#include "connectors/sqlite/sqlite_decimal.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "mortar/core/cell_text.h"
#include "testing/query_column.h"
#include "testing/temp_home.h"

namespace mortar {
namespace {

using sqlite::CompareDecimalText;

TEST(SqliteDecimalTest, TextComparesByValue) {
  EXPECT_LT(CompareDecimalText("9.99", "10.00"), 0);
  EXPECT_EQ(CompareDecimalText("1.5", "1.50"), 0);
  EXPECT_EQ(CompareDecimalText("-0.00", "0"), 0);
  EXPECT_LT(CompareDecimalText("-10", "-9.5"), 0);
  EXPECT_LT(CompareDecimalText("-0.01", "0"), 0);
  EXPECT_GT(CompareDecimalText("12345678901234567890123456.01", "12345678901234567890123456.00"),
            0);
  EXPECT_LT(CompareDecimalText("007", "8"), 0);
  EXPECT_LT(CompareDecimalText("1e2", "101"), 0);
  // Anything that is not a number sorts after the numbers, by its bytes.
  EXPECT_LT(CompareDecimalText("99999", "abc"), 0);
  EXPECT_LT(CompareDecimalText("abc", "abd"), 0);
  // NaN too: as a number it would be neither below nor above any, breaking the order.
  EXPECT_LT(CompareDecimalText("5", "nan"), 0);
  EXPECT_GT(CompareDecimalText("nan", "5"), 0);
}

using testing::QueryColumn;

class SqliteDecimalQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = temp_.MakeContext();
    sql_ = (*context_->GetConnection("sqlite_default"))->AsSql();
    Schema schema({{"g", Type::Int64(), true}, {"amount", *Type::Decimal(28, 2), true}});
    ASSERT_TRUE(sql_->Execute(sql_->dialect().CreateTable({"", "", "money"}, schema)).ok());
    // 26 digits: a double keeps 15 to 17 of them.
    ASSERT_TRUE(sql_->Execute("INSERT INTO money VALUES (1, '12345678901234567890123456.01'), "
                              "(1, '10.00'), (1, '9.99'), (2, '-0.01'), (2, NULL), "
                              "(1, '12345678901234567890123456.02')")
                    .ok());
  }

  testing::TempHome temp_;
  std::unique_ptr<Context> context_;
  SqlConnection* sql_ = nullptr;
};

TEST_F(SqliteDecimalQueryTest, StoresSortsComparesAndSumsExactly) {
  EXPECT_EQ(
      QueryColumn(*sql_, "SELECT amount FROM money WHERE g = 1 AND amount > 10000 ORDER BY amount"),
      (std::vector<std::string>{"12345678901234567890123456.01", "12345678901234567890123456.02"}));
  EXPECT_EQ(QueryColumn(*sql_, "SELECT amount FROM money WHERE amount IS NOT NULL ORDER BY amount"),
            (std::vector<std::string>{"-0.01", "9.99", "10.00", "12345678901234567890123456.01",
                                      "12345678901234567890123456.02"}));
  EXPECT_EQ(QueryColumn(*sql_, "SELECT MAX(amount) FROM money WHERE amount < 100"),
            (std::vector<std::string>{"10.00"}));
  EXPECT_EQ(QueryColumn(*sql_, "SELECT amount FROM money WHERE amount = 10"),
            (std::vector<std::string>{"10.00"}));
  EXPECT_EQ(
      QueryColumn(*sql_, "SELECT mortar_decimal_sum(amount) FROM money GROUP BY g ORDER BY g"),
      (std::vector<std::string>{"24691357802469135780246932.02", "-0.01"}));
  EXPECT_EQ(QueryColumn(*sql_, "SELECT mortar_decimal_sum(amount) FROM money WHERE g = 3"),
            (std::vector<std::string>{"NULL"}));
  EXPECT_EQ(
      QueryColumn(*sql_,
                  "SELECT mortar_decimal_avg(amount, 6) FROM money WHERE g = 1 AND amount < 100"),
      (std::vector<std::string>{"9.995000"}));
}

TEST_F(SqliteDecimalQueryTest, RunningSumsMoveTheirFrameExactly) {
  EXPECT_EQ(
      QueryColumn(*sql_,
                  "SELECT mortar_decimal_sum(amount) OVER (ORDER BY rowid ROWS BETWEEN 1 "
                  "PRECEDING AND CURRENT ROW) FROM money ORDER BY rowid"),
      (std::vector<std::string>{"12345678901234567890123456.01", "12345678901234567890123466.01",
                                "19.99", "9.98", "-0.01", "12345678901234567890123456.02"}));
}

TEST_F(SqliteDecimalQueryTest, CastsRoundHalfUpAndGiveNullWhenAValueDoesNotFit) {
  EXPECT_EQ(QueryColumn(*sql_, "SELECT mortar_decimal('2.675', 10, 2)"),
            (std::vector<std::string>{"2.68"}));
  EXPECT_EQ(QueryColumn(*sql_, "SELECT mortar_decimal(-2.675, 10, 2)"),
            (std::vector<std::string>{"-2.68"}));
  EXPECT_EQ(QueryColumn(*sql_, "SELECT mortar_decimal(-0.004, 10, 2)"),
            (std::vector<std::string>{"0.00"}));
  EXPECT_EQ(QueryColumn(*sql_, "SELECT mortar_decimal(7, 10, 3)"),
            (std::vector<std::string>{"7.000"}));
  EXPECT_EQ(QueryColumn(*sql_, "SELECT mortar_decimal('1234.5', 4, 1)"),
            (std::vector<std::string>{"NULL"}));
  EXPECT_EQ(QueryColumn(*sql_, "SELECT mortar_decimal('abc', 4, 1)"),
            (std::vector<std::string>{"NULL"}));
}

TEST_F(SqliteDecimalQueryTest, ASumPastThirtyEightDigitsIsAnError) {
  ASSERT_TRUE(
      sql_->Execute("INSERT INTO money VALUES (9, '99999999999999999999999999999999999999'), "
                    "(9, '1')")
          .ok());
  auto reader = sql_->Query("SELECT mortar_decimal_sum(amount) FROM money WHERE g = 9");
  Status status = reader.ok() ? (*reader)->Next().status() : reader.status();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("more than 38 digits"), std::string::npos) << status.ToString();
}

}  // namespace
}  // namespace mortar
