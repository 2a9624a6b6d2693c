#include "connectors/databricks/column_mapping.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <arrow/util/key_value_metadata.h>
#include <gtest/gtest.h>

namespace mortar::databricks {
namespace {

// A mapped schema as Spark writes it: a struct inside an array, a map of structs, and a
// column renamed after it was made (its physical name is its first name).
constexpr const char* kMappedSchema = R"json({"type":"struct","fields":[
  {"name":"id","type":"long","nullable":true,"metadata":{
    "delta.columnMapping.id":1,"delta.columnMapping.physicalName":"col-1"}},
  {"name":"renamed","type":"string","nullable":true,"metadata":{
    "delta.columnMapping.id":2,"delta.columnMapping.physicalName":"first"}},
  {"name":"points","type":{"type":"array","containsNull":true,"elementType":{
    "type":"struct","fields":[
      {"name":"x","type":"integer","nullable":true,"metadata":{
        "delta.columnMapping.id":4,"delta.columnMapping.physicalName":"col-4"}}]}},
   "nullable":true,"metadata":{
    "delta.columnMapping.id":3,"delta.columnMapping.physicalName":"col-3"}},
  {"name":"tags","type":{"type":"map","keyType":"string","valueContainsNull":true,
    "valueType":{"type":"struct","fields":[
      {"name":"v","type":"decimal(10,2)","nullable":true,"metadata":{
        "delta.columnMapping.id":6,"delta.columnMapping.physicalName":"col-6"}}]}},
   "nullable":true,"metadata":{
    "delta.columnMapping.id":5,"delta.columnMapping.physicalName":"col-5"}}]})json";

std::shared_ptr<arrow::Field> WithId(std::shared_ptr<arrow::Field> field, int id) {
  return field->WithMetadata(arrow::key_value_metadata({"PARQUET:field_id"}, {std::to_string(id)}));
}

TEST(ColumnMappingTest, ReadsLogicalAndPhysicalNamesAndIdsAtEveryDepth) {
  auto fields = ParseDeltaSchema(kMappedSchema);
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  ASSERT_EQ(fields->size(), 4u);
  EXPECT_EQ((*fields)[1].name, "renamed");
  EXPECT_EQ((*fields)[1].physical_name, "first");
  EXPECT_EQ((*fields)[1].id, 2);
  EXPECT_EQ((*fields)[1].type, "string");
  const DeltaField& points = (*fields)[2];
  EXPECT_EQ(points.type, "array");
  ASSERT_EQ(points.children.size(), 1u);
  ASSERT_EQ(points.children[0].children.size(), 1u);
  EXPECT_EQ(points.children[0].children[0].physical_name, "col-4");
  const DeltaField& tags = (*fields)[3];
  ASSERT_EQ(tags.children.size(), 2u);
  EXPECT_EQ(tags.children[0].type, "string");
  EXPECT_EQ(tags.children[1].children[0].type, "decimal(10,2)");

  auto unmapped = ParseDeltaSchema(R"({"type":"struct","fields":[
      {"name":"a","type":"long","nullable":true,"metadata":{}}]})");
  ASSERT_TRUE(unmapped.ok());
  EXPECT_EQ((*unmapped)[0].physical_name, "a");
  EXPECT_EQ((*unmapped)[0].id, std::nullopt);
}

TEST(ColumnMappingTest, SpellsTypesAsSparkDoesForTheWarehousesDescription) {
  auto fields = ParseDeltaSchema(kMappedSchema);
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  std::vector<std::string> texts;
  for (const auto& field : *fields) texts.push_back(SparkTypeText(field).value_or("none"));
  EXPECT_EQ(texts, (std::vector<std::string>{"long", "string", "array<struct<`x`:integer>>",
                                             "map<string,struct<`v`:decimal(10,2)>>"}));
  auto quoted = ParseDeltaSchema(R"({"fields":[{"name":"s","type":{"type":"struct","fields":[
    {"name":"a`b","type":"long"}]}}]})");
  ASSERT_TRUE(quoted.ok()) << quoted.status().ToString();
  EXPECT_EQ(SparkTypeText((*quoted)[0]), std::nullopt);
}

TEST(ColumnMappingTest, RefusesSchemasItCannotDescribe) {
  EXPECT_FALSE(ParseDeltaSchema("[]").ok());
  EXPECT_FALSE(ParseDeltaSchema(R"({"fields":[{"type":"long"}]})").ok());
  EXPECT_FALSE(ParseDeltaSchema(R"({"fields":[{"name":"a","type":{"type":"udt"}}]})").ok());
  std::string deep = R"("long")";
  for (int i = 0; i < 100; ++i) deep = R"({"type":"array","elementType":)" + deep + "}";
  auto too_deep = ParseDeltaSchema(R"({"fields":[{"name":"a","type":)" + deep + "}]}");
  ASSERT_FALSE(too_deep.ok());
  EXPECT_NE(too_deep.status().message().find("deep"), std::string::npos);
}

TEST(ColumnMappingTest, FindsAFileFieldByNameByPhysicalNameOrById) {
  auto fields = ParseDeltaSchema(kMappedSchema);
  ASSERT_TRUE(fields.ok());
  const DeltaField& renamed = (*fields)[1];
  auto first = arrow::field("first", arrow::utf8());
  auto logical = arrow::field("renamed", arrow::utf8());
  EXPECT_TRUE(FileFieldHolds(*logical, renamed, ColumnMappingMode::kNone));
  EXPECT_FALSE(FileFieldHolds(*first, renamed, ColumnMappingMode::kNone));
  EXPECT_TRUE(FileFieldHolds(*first, renamed, ColumnMappingMode::kName));
  EXPECT_FALSE(FileFieldHolds(*logical, renamed, ColumnMappingMode::kName));
  // By id, whatever the file calls it; a file without ids holds nothing.
  EXPECT_TRUE(FileFieldHolds(*WithId(arrow::field("other", arrow::utf8()), 2), renamed,
                             ColumnMappingMode::kId));
  EXPECT_FALSE(FileFieldHolds(*WithId(first, 3), renamed, ColumnMappingMode::kId));
  EXPECT_FALSE(FileFieldHolds(*first, renamed, ColumnMappingMode::kId));
}

TEST(ColumnMappingTest, NestedFieldsTakeTheTablesNamesAndTheColumnIsViewedAsThem) {
  auto fields = ParseDeltaSchema(kMappedSchema);
  ASSERT_TRUE(fields.ok());
  // As Spark's files hold them: physical names (and ids), and a nested field the
  // table has since dropped.
  auto file_points = arrow::list(arrow::struct_(
      {WithId(arrow::field("col-4", arrow::int32()), 4), arrow::field("col-9", arrow::int32())}));
  auto file_tags = arrow::map(
      arrow::utf8(), arrow::struct_({WithId(arrow::field("col-6", arrow::decimal128(10, 2)), 6)}));
  for (auto mode : {ColumnMappingMode::kName, ColumnMappingMode::kId}) {
    auto points = WithLogicalNames(file_points, (*fields)[2], mode);
    EXPECT_TRUE(points->Equals(*arrow::list(arrow::struct_(
        {arrow::field("x", arrow::int32()), arrow::field("col-9", arrow::int32())}))))
        << points->ToString();
    auto tags = WithLogicalNames(file_tags, (*fields)[3], mode);
    EXPECT_TRUE(tags->Equals(
        *arrow::map(arrow::utf8(), arrow::struct_({arrow::field("v", arrow::decimal128(10, 2))}))))
        << tags->ToString();
  }
  EXPECT_EQ(WithLogicalNames(file_points, (*fields)[2], ColumnMappingMode::kNone), file_points);

  auto column =
      arrow::json::ArrayFromJSONString(file_points, R"([[{"col-4": 1, "col-9": 2}], null])");
  ASSERT_TRUE(column.ok());
  auto viewed =
      (*column)->View(WithLogicalNames(file_points, (*fields)[2], ColumnMappingMode::kName));
  ASSERT_TRUE(viewed.ok()) << viewed.status().ToString();
  EXPECT_EQ((*viewed)->ToString(), (*column)->ToString());
  EXPECT_EQ((*viewed)->type()->field(0)->type()->field(0)->name(), "x");
}

}  // namespace
}  // namespace mortar::databricks
