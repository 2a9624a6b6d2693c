#include "connectors/filesystem/parquet_file.h"

#include <arrow/api.h>
#include <arrow/io/api.h>
#include <gtest/gtest.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/writer.h>
#include <parquet/file_reader.h>

#include "connectors/filesystem/dictionary_columns.h"
#include "testing/temp_home.h"

namespace mortar::filesystem {
namespace {

// Rows `from` to `from + rows`: an id, a code of 7 values, a name per id, a tag of 3.
std::shared_ptr<arrow::RecordBatch> Rows(int64_t from, int64_t rows) {
  arrow::Int64Builder id;
  arrow::Int64Builder code;
  arrow::StringBuilder name;
  arrow::StringBuilder tag;
  for (int64_t i = from; i < from + rows; ++i) {
    EXPECT_TRUE(id.Append(i).ok());
    EXPECT_TRUE(code.Append(i % 7).ok());
    EXPECT_TRUE(name.Append("name-" + std::to_string(i)).ok());
    EXPECT_TRUE(tag.Append(i % 3 == 0 ? "red" : "blue").ok());
  }
  auto schema =
      arrow::schema({arrow::field("id", arrow::int64()), arrow::field("code", arrow::int64()),
                     arrow::field("name", arrow::utf8()), arrow::field("tag", arrow::utf8())});
  return arrow::RecordBatch::Make(schema, rows,
                                  {*id.Finish(), *code.Finish(), *name.Finish(), *tag.Finish()});
}

class ParquetFileTest : public ::testing::Test {
 protected:
  // Writes `batches` of `rows` rows each, one after the other.
  void WriteFile(int batches, int64_t rows, ParquetWriteOptions options = {}) {
    auto schema = Schema::FromArrow(*Rows(0, 0)->schema());
    ASSERT_TRUE(schema.ok());
    auto writer = OpenParquetWriter(path_, *schema, options);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (int i = 0; i < batches; ++i) {
      auto status = (*writer)->Write(*Rows(i * rows, rows));
      ASSERT_TRUE(status.ok()) << status.ToString();
    }
    auto committed = (*writer)->Commit();
    ASSERT_TRUE(committed.ok()) << committed.ToString();
  }

  // Whether each column's first chunk has a dictionary page.
  std::vector<bool> Dictionaries() const {
    auto file = parquet::ParquetFileReader::OpenFile(path_.string());
    auto metadata = file->metadata();
    std::vector<bool> dictionaries;
    if (metadata->num_row_groups() == 0) return dictionaries;
    for (int i = 0; i < metadata->num_columns(); ++i) {
      dictionaries.push_back(metadata->RowGroup(0)->ColumnChunk(i)->has_dictionary_page());
    }
    return dictionaries;
  }

  std::shared_ptr<arrow::Table> ReadBack() const {
    auto input = arrow::io::ReadableFile::Open(path_.string());
    EXPECT_TRUE(input.ok());
    auto reader = parquet::arrow::OpenFile(*input, arrow::default_memory_pool());
    EXPECT_TRUE(reader.ok());
    auto table = (*reader)->ReadTable();
    EXPECT_TRUE(table.ok());
    return *table;
  }

  // Names of what is in the output's folder under the output's name (a temporary too).
  std::vector<std::string> Outputs() const {
    std::vector<std::string> outputs;
    for (const auto& entry : std::filesystem::directory_iterator(temp_.root())) {
      std::string name = entry.path().filename().string();
      if (name.find("out") != std::string::npos) outputs.push_back(name);
    }
    return outputs;
  }

  testing::TempHome temp_;
  std::filesystem::path path_ = temp_.root() / "out.parquet";
};

// Ids and names are distinct on every row: their dictionaries would fill the page limit
// within the file's first rows, so those two are written plain; the codes and tags keep
// theirs. Every row comes back, in order.
TEST_F(ParquetFileTest, ColumnsOfDistinctValuesAreWrittenWithoutADictionary) {
  constexpr int64_t kRows = kDictionarySampleRows / 2 + 1;
  WriteFile(3, kRows);
  EXPECT_EQ(Dictionaries(), (std::vector<bool>{false, true, false, true}));
  auto table = ReadBack();
  ASSERT_EQ(table->num_rows(), 3 * kRows);
  auto written = arrow::Table::FromRecordBatches({Rows(0, 3 * kRows)});
  ASSERT_TRUE(written.ok());
  EXPECT_TRUE(table->Equals(**written));
}

// A file shorter than the sample is written when committed, whole and in order; none of
// its columns fills a dictionary.
TEST_F(ParquetFileTest, AFileShorterThanTheSampleIsWrittenOnCommit) {
  WriteFile(3, 4);
  EXPECT_EQ(Dictionaries(), (std::vector<bool>{true, true, true, true}));
  auto written = arrow::Table::FromRecordBatches({Rows(0, 12)});
  ASSERT_TRUE(written.ok());
  EXPECT_TRUE(ReadBack()->Equals(**written));
}

TEST_F(ParquetFileTest, AFileWithoutRowsKeepsItsColumns) {
  WriteFile(0, 0);
  auto table = ReadBack();
  EXPECT_EQ(table->num_rows(), 0);
  EXPECT_TRUE(table->schema()->Equals(*Rows(0, 0)->schema()));
}

// Wide rows: row groups close by their bytes, long before their number of rows.
TEST_F(ParquetFileTest, RowGroupsOfWideRowsAreBoundedByBytes) {
  auto schema = Schema::FromArrow(*arrow::schema({arrow::field("wide", arrow::utf8())}));
  ASSERT_TRUE(schema.ok());
  auto writer =
      OpenParquetWriter(path_, *schema, ParquetWriteOptions{kParquetRowGroupRows, false, 1 << 20});
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  // 100 batches of 100 rows of 4 KiB (40 MB), gathered into writes of 8 MiB.
  for (int batch = 0; batch < 100; ++batch) {
    arrow::StringBuilder wide;
    for (int row = 0; row < 100; ++row)
      ASSERT_TRUE(wide.Append(std::string(4096, static_cast<char>('a' + row % 26))).ok());
    auto rows = arrow::RecordBatch::Make(schema->ToArrow(), 100, {*wide.Finish()});
    ASSERT_TRUE((*writer)->Write(*rows).ok());
  }
  ASSERT_TRUE((*writer)->Commit().ok());
  auto metadata = parquet::ParquetFileReader::OpenFile(path_.string())->metadata();
  // A group per write past 1 MiB, not one group of 10,000 rows.
  EXPECT_GE(metadata->num_row_groups(), 4);
  EXPECT_EQ(metadata->num_rows(), 10000);
}

TEST_F(ParquetFileTest, WithoutDictionariesNoColumnHasOne) {
  WriteFile(2, 100, ParquetWriteOptions{kParquetRowGroupRows, false});
  EXPECT_EQ(Dictionaries(), (std::vector<bool>{false, false, false, false}));
  EXPECT_EQ(ReadBack()->num_rows(), 200);
}

// Batches of a few rows (a warehouse's are 10,000 or fewer) are gathered before Arrow's
// writer gets them, and a large batch arriving behind them waits its turn: every row
// comes back in order, in row groups of the configured length.
TEST_F(ParquetFileTest, SmallBatchesAreWrittenTogetherAndInOrder) {
  auto schema = Schema::FromArrow(*Rows(0, 0)->schema());
  ASSERT_TRUE(schema.ok());
  ParquetWriteOptions options{50'000, false};
  auto writer = OpenParquetWriter(path_, *schema, options);
  ASSERT_TRUE(writer.ok());
  int64_t written = 0;
  for (int64_t rows : {1000, 1000, 1000, 100'000, 7, 70'000, 3}) {
    auto status = (*writer)->Write(*Rows(written, rows));
    ASSERT_TRUE(status.ok()) << status.ToString();
    written += rows;
  }
  for (int i = 0; i < 100; ++i, written += 999)
    ASSERT_TRUE((*writer)->Write(*Rows(written, 999)).ok());
  ASSERT_TRUE((*writer)->Commit().ok());

  auto expected = arrow::Table::FromRecordBatches({Rows(0, written)});
  ASSERT_TRUE(expected.ok());
  EXPECT_TRUE(ReadBack()->Equals(**expected));
  auto metadata = parquet::ParquetFileReader::OpenFile(path_.string())->metadata();
  ASSERT_EQ(metadata->num_row_groups(), (written + 49'999) / 50'000);
  for (int i = 0; i + 1 < metadata->num_row_groups(); ++i) {
    EXPECT_EQ(metadata->RowGroup(i)->num_rows(), 50'000) << "row group " << i;
  }
}

// A schema Parquet cannot hold (a struct without fields) is refused when the file is
// opened, before any row is read for the sample, and leaves nothing.
TEST_F(ParquetFileTest, ASchemaParquetCannotHoldIsRefusedAtOnce) {
  Schema schema({{"empty", Type::Struct({}), true}});
  auto writer = OpenParquetWriter(path_, schema);
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find("no child field"), std::string::npos)
      << writer.status().ToString();
  EXPECT_EQ(Outputs(), std::vector<std::string>{});
}

// Rows held for the sample are dropped with the file when the write is abandoned.
TEST_F(ParquetFileTest, AFileOfStringsThatAreNotUtf8IsRefusedSayingWhich) {
  // Parquet's reader checks a file's structure, not its values: a file another tool wrote
  // may hold a "string" that is not text.
  arrow::StringBuilder names;
  ASSERT_TRUE(names.Append("fine").ok());
  ASSERT_TRUE(names.Append(std::string("caf\xE9", 4)).ok());  // Latin-1, not UTF-8
  auto schema = arrow::schema({arrow::field("name", arrow::utf8())});
  auto table = arrow::Table::Make(schema, {*names.Finish()});
  auto out = arrow::io::FileOutputStream::Open(path_.string());
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), *out).ok());
  ASSERT_TRUE((*out)->Close().ok());

  auto file_schema = Schema::FromArrow(*schema);
  ASSERT_TRUE(file_schema.ok());
  auto reader = OpenParquetReader({LocalFileToRead(path_, "people.parquet")}, *file_schema, -1);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto batch = (*reader)->Next();
  ASSERT_FALSE(batch.ok());
  EXPECT_NE(batch.status().message().find("people.parquet holds invalid Arrow data"),
            std::string::npos)
      << batch.status().message();
  EXPECT_NE(batch.status().message().find("column 'name'"), std::string::npos);
}

TEST_F(ParquetFileTest, AnAbandonedFileLeavesNothing) {
  auto schema = Schema::FromArrow(*Rows(0, 0)->schema());
  ASSERT_TRUE(schema.ok());
  auto writer = OpenParquetWriter(path_, *schema);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write(*Rows(0, 10)).ok());
  (*writer)->Abort();
  EXPECT_EQ(Outputs(), std::vector<std::string>{});
}

}  // namespace
}  // namespace mortar::filesystem
