#include "mortar/core/types.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "mortar/core/schema.h"

namespace mortar {
namespace {

TEST(TypeTest, ParsesAndPrintsEveryKind) {
  for (const char* text :
       {"string", "int8", "int16", "int32", "int64", "float", "double", "boolean", "decimal(10,2)",
        "date", "timestamp", "timestamp_ntz", "binary", "array<int64>", "map<string,double>",
        "struct<a:int32,b:array<string>>"}) {
    auto type = Type::Parse(text);
    ASSERT_TRUE(type.ok()) << text << ": " << type.status().ToString();
    EXPECT_EQ(type->ToString(), text);
  }
}

TEST(TypeTest, AcceptsSqlSpellings) {
  EXPECT_EQ(Type::Parse("BIGINT")->kind(), TypeKind::kInt64);
  EXPECT_EQ(Type::Parse("varchar")->kind(), TypeKind::kString);
  EXPECT_EQ(Type::Parse("DECIMAL(38, 0)")->ToString(), "decimal(38,0)");
}

TEST(TypeTest, RejectsBadDecimalsAndUnknownNames) {
  EXPECT_FALSE(Type::Parse("decimal(39,2)").ok());
  EXPECT_FALSE(Type::Parse("decimal(5,6)").ok());
  auto unknown = Type::Parse("integr");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown type name 'integr'"), std::string::npos);
  EXPECT_FALSE(Type::Parse("array<int64").ok());
  EXPECT_FALSE(Type::Parse("int64 extra").ok());
}

TEST(TypeTest, RoundTripsThroughArrow) {
  for (const char* text : {"int16", "decimal(20,4)", "timestamp", "timestamp_ntz", "date",
                           "map<string,int64>", "struct<x:double>"}) {
    Type type = *Type::Parse(text);
    auto back = Type::FromArrow(*type.ToArrow());
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, type) << text;
  }
  // TIMESTAMP is an instant (UTC zone); TIMESTAMP_NTZ has no zone.
  EXPECT_EQ(static_cast<const arrow::TimestampType&>(*Type::Timestamp().ToArrow()).timezone(),
            "UTC");
  EXPECT_EQ(static_cast<const arrow::TimestampType&>(*Type::TimestampNtz().ToArrow()).timezone(),
            "");
}

TEST(SchemaTest, FindsColumnsIgnoringCaseAsFallback) {
  Schema schema({{"Id", Type::Int64(), true}, {"name", Type::String(), true}});
  EXPECT_EQ(schema.IndexOf("Id"), 0u);
  EXPECT_EQ(schema.IndexOf("id"), 0u);
  EXPECT_FALSE(schema.IndexOf("missing").has_value());
}

TEST(SchemaTest, SelectsNamedColumnsInTheOrderAsked) {
  Schema schema({{"Id", Type::Int64(), true},
                 {"name", Type::String(), true},
                 {"amount", Type::Double(), false}});
  auto selected = schema.Select({"amount", "id"});
  ASSERT_TRUE(selected.ok()) << selected.status().ToString();
  EXPECT_EQ(selected->Names(), (std::vector<std::string>{"amount", "Id"}));
  EXPECT_FALSE((*selected)[0].nullable);
  auto missing = schema.Select({"name", "price"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no column 'price'"), std::string::npos)
      << missing.status().ToString();
}

}  // namespace
}  // namespace mortar
