#include <arrow/api.h>
#include <arrow/io/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include "mortar/connectors/dataset.h"
#include "testing/dataset_rows.h"
#include "testing/temp_home.h"

namespace mortar {
namespace {

config::DatasetConfig FilesConfig(const std::string& name, const std::string& path,
                                  config::Json extra = config::Json::object()) {
  config::Json params = {{"path", path}};
  params.update(extra);
  return config::DatasetConfig{name,   "filesystem_default", "files",
                               params, std::nullopt,         name + ".json"};
}

using testing::CountRows;

TEST(FilesDatasetTest, InfersSchemaAndReadsQuotedCsv) {
  testing::TempHome temp;
  temp.WriteFile("files/a.csv",
                 "id,name,when,amount\n1,\"Smith, J\",2024-01-02,1.5\n2,\"multi\nline\",,2\n");
  auto context = temp.MakeContext();
  auto dataset = context->MakeDataset(FilesConfig("a", "a.csv"));
  ASSERT_TRUE(dataset.ok()) << dataset.status().ToString();
  auto schema = (*dataset)->DetectSchema();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->ToString(), "id int64, name string, when date, amount double");
  auto reader = (*dataset)->Read(ReadOptions{});
  ASSERT_TRUE(reader.ok());
  auto batch = (*reader)->Next();
  ASSERT_TRUE(batch.ok() && *batch);
  EXPECT_EQ((*batch)->num_rows(), 2);
  EXPECT_EQ(static_cast<const arrow::StringArray&>(*(*batch)->column(1)).GetString(1),
            "multi\nline");
  EXPECT_TRUE((*batch)->column(2)->IsNull(1));
}

TEST(FilesDatasetTest, RaggedRowIsReportedWithItsLine) {
  testing::TempHome temp;
  temp.WriteFile("files/r.csv", "a,b\n1,2\n3\n4,5\n");
  auto context = temp.MakeContext();
  auto dataset = context->MakeDataset(FilesConfig("r", "r.csv"));
  ASSERT_TRUE(dataset.ok());
  auto rows = CountRows(**dataset);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(rows.status().message().find("r.csv"), std::string::npos) << rows.status().message();
  EXPECT_NE(rows.status().message().find("expected 2 fields, found 1"), std::string::npos)
      << rows.status().message();
}

TEST(FilesDatasetTest, ValueThatDoesNotConvertNamesRowAndColumn) {
  testing::TempHome temp;
  temp.WriteFile("files/v.csv", "a,b\n1,2\n3,x\n");
  auto context = temp.MakeContext();
  auto config = FilesConfig("v", "v.csv");
  config.schema = Schema({{"a", Type::Int64(), true}, {"b", Type::Int64(), true}});
  auto dataset = context->MakeDataset(config);
  ASSERT_TRUE(dataset.ok());
  auto rows = CountRows(**dataset);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().message(),
            "value 'x' in column 'b' is not a valid int64; at v.csv, row 2");
}

TEST(FilesDatasetTest, MissingFileIsNotFound) {
  testing::TempHome temp;
  auto context = temp.MakeContext();
  auto dataset = context->MakeDataset(FilesConfig("m", "missing.csv"));
  ASSERT_TRUE(dataset.ok());
  auto reader = (*dataset)->Read(ReadOptions{});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(reader.status().message().find("no file at 'missing.csv'"), std::string::npos);
  EXPECT_FALSE(context->MakeDataset(FilesConfig("x", "../../etc/passwd")).ok());
}

TEST(FilesDatasetTest, WritesGzipCsvAndParquetAndReadsThemBack) {
  testing::TempHome temp;
  temp.WriteFile("files/in.csv",
                 "id,price,day,tags\n1,1.25,2024-01-01,\"[\"\"a\"\"]\"\n2,,2024-01-02,[]\n");
  auto context = temp.MakeContext();
  auto input_config = FilesConfig("in", "in.csv");
  input_config.schema = Schema({{"id", Type::Int32(), true},
                                {"price", *Type::Decimal(10, 2), true},
                                {"day", Type::Date(), true},
                                {"tags", Type::Array(Type::String()), true}});
  auto input = context->MakeDataset(input_config);
  ASSERT_TRUE(input.ok());
  for (const char* path : {"out/x.csv.gz", "out/x.parquet"}) {
    auto output = context->MakeDataset(FilesConfig("out", path));
    ASSERT_TRUE(output.ok());
    auto reader = (*input)->Read(ReadOptions{});
    ASSERT_TRUE(reader.ok());
    auto writer = (*output)->OpenWriter((*reader)->schema(), WriteMode::kReplace);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    auto copied = CopyBatches(**reader, **writer, nullptr);
    ASSERT_TRUE(copied.ok()) << copied.status().ToString();
    EXPECT_EQ(copied->rows, 2);
    auto back_config = FilesConfig("back", path);
    back_config.schema = input_config.schema;
    auto back = context->MakeDataset(back_config);
    auto back_reader = (*back)->Read(ReadOptions{});
    ASSERT_TRUE(back_reader.ok()) << back_reader.status().ToString();
    auto batch = (*back_reader)->Next();
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_TRUE(*batch);
    EXPECT_EQ(static_cast<const arrow::Decimal128Array&>(*(*batch)->column(1)).FormatValue(0),
              "1.25");
    EXPECT_TRUE((*batch)->column(1)->IsNull(1));
    auto tags = std::static_pointer_cast<arrow::ListArray>((*batch)->column(3));
    EXPECT_EQ(tags->value_slice(0)->ToString(), R"([
  "a"
])");
    EXPECT_EQ(tags->value_length(1), 0);
    auto detected = (*back)->DetectSchema();
    ASSERT_TRUE(detected.ok());
  }
  // Nothing temporary is left beside the outputs.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(temp.Files() / "out")) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 2);
}

// A reader asked for some columns returns those, in the order asked, from CSV (where
// the others are never converted: a value there that would not convert is no error)
// and from Parquet.
TEST(FilesDatasetTest, ReadsOnlyTheColumnsAskedForInTheirOrder) {
  testing::TempHome temp;
  temp.WriteFile("files/w.csv", "id,note,day,amount\n1,x,2024-01-01,1.25\n2,y,2024-01-02,\n");
  auto context = temp.MakeContext();
  auto csv_config = FilesConfig("w", "w.csv");
  csv_config.schema = Schema({{"id", Type::Int64(), true},
                              {"note", Type::Int64(), true},  // would not convert
                              {"day", Type::Date(), true},
                              {"amount", *Type::Decimal(10, 2), true}});
  auto csv = context->MakeDataset(csv_config);
  ASSERT_TRUE(csv.ok());
  auto parquet = context->MakeDataset(FilesConfig("p", "p.parquet"));
  ASSERT_TRUE(parquet.ok());
  {
    auto whole = Schema({{"id", Type::Int64(), true},
                         {"day", Type::Date(), true},
                         {"amount", *Type::Decimal(10, 2), true}});
    auto reader = (*csv)->Read(ReadOptions{.columns = {"id", "day", "amount"}});
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto writer = (*parquet)->OpenWriter(whole, WriteMode::kReplace);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(CopyBatches(**reader, **writer, nullptr).ok());
  }
  for (Dataset* dataset : {csv->get(), parquet->get()}) {
    SCOPED_TRACE(dataset->name());
    auto reader = dataset->Read(ReadOptions{.columns = {"amount", "ID"}});
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->schema().ToString(), "amount decimal(10,2), id int64");
    auto batch = (*reader)->Next();
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_TRUE(*batch);
    ASSERT_EQ((*batch)->num_columns(), 2);
    EXPECT_EQ((*batch)->schema()->field(0)->name(), "amount");
    EXPECT_EQ(static_cast<const arrow::Decimal128Array&>(*(*batch)->column(0)).FormatValue(0),
              "1.25");
    EXPECT_TRUE((*batch)->column(0)->IsNull(1));
    EXPECT_EQ(static_cast<const arrow::Int64Array&>(*(*batch)->column(1)).Value(1), 2);
    auto missing = dataset->Read(ReadOptions{.columns = {"id", "price"}});
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.status().message().find("no column 'price'"), std::string::npos)
        << missing.status().ToString();
  }
  // The column that does not convert is still an error when it is read.
  auto all = testing::CountRows(**csv);
  ASSERT_FALSE(all.ok());
  EXPECT_NE(all.status().message().find("note"), std::string::npos) << all.status().ToString();
}

// A Parquet reader selects leaf columns: a struct or map has several, and every field
// after it must still come back as itself, in the dataset's order.
TEST(FilesDatasetTest, ReadsParquetStructsAndMapsBesideOtherColumns) {
  testing::TempHome temp;
  auto struct_type =
      arrow::struct_({arrow::field("x", arrow::int32()), arrow::field("y", arrow::utf8())});
  auto map_type = arrow::map(arrow::utf8(), arrow::int64());
  auto file_schema = arrow::schema({arrow::field("s", struct_type), arrow::field("m", map_type),
                                    arrow::field("id", arrow::int64())});
  auto s = arrow::json::ArrayFromJSONString(struct_type, R"([{"x": 1, "y": "z"}, null])");
  auto m = arrow::json::ArrayFromJSONString(map_type, R"([[["k", 7], ["l", 8]], []])");
  auto id = arrow::json::ArrayFromJSONString(arrow::int64(), "[10, 20]");
  ASSERT_TRUE(s.ok() && m.ok() && id.ok());
  std::filesystem::create_directories(temp.Files());
  auto out = arrow::io::FileOutputStream::Open((temp.Files() / "nested.parquet").string());
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(parquet::arrow::WriteTable(*arrow::Table::Make(file_schema, {*s, *m, *id}),
                                         arrow::default_memory_pool(), *out)
                  .ok());
  ASSERT_TRUE((*out)->Close().ok());

  auto context = temp.MakeContext();
  auto config = FilesConfig("nested", "nested.parquet");
  config.schema =
      Schema({{"id", Type::Int64(), true},
              {"m", Type::Map(Type::String(), Type::Int64()), true},
              {"s", Type::Struct({Field{"x", Type::Int32()}, Field{"y", Type::String()}}), true}});
  auto dataset = context->MakeDataset(config);
  ASSERT_TRUE(dataset.ok());
  auto reader = (*dataset)->Read(ReadOptions{});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto batch = (*reader)->Next();
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_TRUE(*batch);
  ASSERT_EQ((*batch)->num_columns(), 3);
  EXPECT_TRUE((*batch)->column(0)->Equals(**id));
  EXPECT_TRUE((*batch)->column(1)->Equals(**m)) << (*batch)->column(1)->ToString();
  EXPECT_TRUE((*batch)->column(2)->Equals(**s)) << (*batch)->column(2)->ToString();
}

TEST(FilesDatasetTest, AbortedWriteLeavesThePreviousFile) {
  testing::TempHome temp;
  temp.WriteFile("files/keep.csv", "a\n1\n");
  auto context = temp.MakeContext();
  auto dataset = context->MakeDataset(FilesConfig("keep", "keep.csv"));
  ASSERT_TRUE(dataset.ok());
  {
    auto writer = (*dataset)->OpenWriter(Schema({{"a", Type::Int64(), true}}), WriteMode::kReplace);
    ASSERT_TRUE(writer.ok());
    arrow::Int64Builder builder;
    ASSERT_TRUE(builder.Append(99).ok());
    auto batch = arrow::RecordBatch::Make(arrow::schema({arrow::field("a", arrow::int64())}), 1,
                                          {builder.Finish().ValueOrDie()});
    ASSERT_TRUE((*writer)->Write(*batch).ok());
    // Destroyed without Commit: aborted.
  }
  std::ifstream in(temp.Files() / "keep.csv");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "a\n1\n");
}

}  // namespace
}  // namespace mortar

namespace mortar {
namespace {

TEST(FilesDatasetTest, ReplacingAFolderRemovesOldParts) {
  testing::TempHome temp;
  temp.WriteFile("files/folder/part-00000.csv", "a\n1\n");
  temp.WriteFile("files/folder/part-00001.csv", "a\n2\n");
  auto context = temp.MakeContext();
  auto config = FilesConfig("folder", "folder");
  auto dataset = context->MakeDataset(config);
  ASSERT_TRUE(dataset.ok());
  EXPECT_EQ(*CountRows(**dataset), 2);
  auto writer = (*dataset)->OpenWriter(Schema({{"a", Type::Int64(), true}}), WriteMode::kReplace);
  ASSERT_TRUE(writer.ok());
  arrow::Int64Builder builder;
  ASSERT_TRUE(builder.Append(7).ok());
  auto batch = arrow::RecordBatch::Make(arrow::schema({arrow::field("a", arrow::int64())}), 1,
                                        {builder.Finish().ValueOrDie()});
  ASSERT_TRUE((*writer)->Write(*batch).ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ(*CountRows(**dataset), 1);
  EXPECT_FALSE(std::filesystem::exists(temp.Files() / "folder" / "part-00001.csv"));
}

}  // namespace
}  // namespace mortar
