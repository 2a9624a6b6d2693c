#include "connectors/staging_table_name.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>

namespace mortar {
namespace {

TEST(StagingTableNameTest, NamesBelongToOneTargetAndSayWhereAndWhenTheyWereMade) {
  sql::TableName sales{"main", "shop", "sales"};
  sql::TableName sales_eu{"main", "shop", "sales_eu"};
  std::string one = StagingTableName(sales);
  EXPECT_NE(one, StagingTableName(sales));
  EXPECT_EQ(one.rfind("__mortar_tmp_sales_", 0), 0u);  // readable, for people and tests
  EXPECT_EQ(one.rfind(StagingTablePrefix(sales), 0), 0u);
  // The staging tables of sales_eu are not sales's, whatever the names look like.
  EXPECT_NE(StagingTableName(sales_eu).rfind(StagingTablePrefix(sales), 0), 0u);
  EXPECT_FALSE(IsLeftoverStagingTable(sales, StagingTableName(sales_eu)));
  EXPECT_NE(StagingTablePrefix({"main", "other", "sales"}), StagingTablePrefix(sales));
  auto origin = ParseStagingTableName(one);
  ASSERT_TRUE(origin.has_value());
  EXPECT_EQ(origin->pid, ::getpid());
  EXPECT_FALSE(ParseStagingTableName("__mortar_tmp_sales_123456").has_value());
  EXPECT_FALSE(ParseStagingTableName("sales").has_value());
}

TEST(StagingTableNameTest, OnlyTheTablesOfEndedWritesOrOldOnesAreLeftovers) {
  sql::TableName sales{"", "default", "sales"};
  // This process is alive: its staging table is a concurrent write's, not a leftover.
  std::string live = StagingTableName(sales);
  EXPECT_FALSE(IsLeftoverStagingTable(sales, live));
  // A process that has ended leaves a leftover.
  pid_t child = ::fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);
  std::string ended = live;
  std::size_t pid_end = ended.rfind('_');
  std::size_t pid_start = ended.rfind('_', pid_end - 1) + 1;
  ended.replace(pid_start, pid_end - pid_start, std::to_string(child));
  EXPECT_TRUE(IsLeftoverStagingTable(sales, ended));
  // Another host's: only when old.
  auto origin = *ParseStagingTableName(live);
  std::string prefix = StagingTablePrefix(sales);
  std::string elsewhere_new =
      prefix + std::to_string(origin.created_at) + "_00000000_1_0123456789abcdef";
  std::string elsewhere_old = prefix + "1600000000_00000000_1_0123456789abcdef";
  EXPECT_FALSE(IsLeftoverStagingTable(sales, elsewhere_new));
  EXPECT_TRUE(IsLeftoverStagingTable(sales, elsewhere_old));
  // The metastore lists names in lower case: a mixed-case target's leftovers are found.
  sql::TableName mixed{"Main", "Shop", "DailySales"};
  std::string made = StagingTablePrefix(mixed) + "1600000000_00000000_1_0123456789abcdef";
  std::string as_listed = made;
  for (char& c : as_listed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(made, as_listed);  // made in lower case
  EXPECT_TRUE(IsLeftoverStagingTable(mixed, as_listed));
  EXPECT_TRUE(IsLeftoverStagingTable(mixed, "__MORTAR_TMP_" + as_listed.substr(13)));
}

}  // namespace
}  // namespace mortar
