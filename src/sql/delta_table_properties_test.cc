#include "sql/delta_table_properties.h"

#include <gtest/gtest.h>

#include "mortar/sql/dialect.h"

namespace mortar::sql {
namespace {

constexpr char kMapping[] =
    "'delta.columnMapping.mode' = 'name', 'delta.minReaderVersion' = '2', "
    "'delta.minWriterVersion' = '5'";

TEST(DeltaTablePropertiesTest, NamesDeltaRefusesTurnColumnMappingOn) {
  for (const char* name : {"a b", "semi;colon", "x=y", "f(x)", "{a}", "a,b", "tab\there"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(DeltaNeedsColumnMapping(name));
    EXPECT_EQ(DeltaTableProperties(
                  Schema({{"id", Type::Int64(), true}, {name, Type::String(), true}}), false),
              std::string(" TBLPROPERTIES (") + kMapping + ")");
  }
  for (const char* name : {"a_b", "été", "a-b", "a.b", "A"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(DeltaNeedsColumnMapping(name));
  }
  EXPECT_EQ(DeltaTableProperties(Schema({{"a_b", Type::String(), true}}), true), "");
}

TEST(DeltaTablePropertiesTest, TimestampNtzIsAskedForOnlyWhenReplacing) {
  Schema schema({{"at", Type::TimestampNtz(), true}, {"a b", Type::Int32(), true}});
  EXPECT_EQ(DeltaTableProperties(schema, false), std::string(" TBLPROPERTIES (") + kMapping + ")");
  EXPECT_EQ(
      DeltaTableProperties(schema, true),
      std::string(" TBLPROPERTIES (") + kMapping + ", 'delta.feature.timestampNtz' = 'supported')");
  EXPECT_EQ(DeltaTableProperties(Schema({{"at", Type::TimestampNtz(), true}}), true),
            " TBLPROPERTIES ('delta.feature.timestampNtz' = 'supported')");
}

TEST(DeltaTablePropertiesTest, TheDatabricksDialectCreatesTablesWithThem) {
  Schema schema({{"semi;colon", Type::Int64(), true}});
  EXPECT_EQ(DatabricksDialect().CreateTable(TableName{"", "s", "t"}, schema),
            std::string("CREATE TABLE `s`.`t` (`semi;colon` BIGINT) USING DELTA TBLPROPERTIES (") +
                kMapping + ")");
}

}  // namespace
}  // namespace mortar::sql
