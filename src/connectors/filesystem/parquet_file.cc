#include "connectors/filesystem/parquet_file.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/io/api.h>
#include <arrow/util/byte_size.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>
#include <parquet/arrow/writer.h>

#include <utility>

#include "connectors/filesystem/dictionary_columns.h"
#include "connectors/filesystem/file_commit.h"
#include "mortar/core/arrow_input.h"

namespace mortar::filesystem {

namespace fs = std::filesystem;

namespace {

// The Parquet leaf columns of `field`, in file order.
void AddLeafColumns(const parquet::arrow::SchemaField& field, std::vector<int>* leaves) {
  if (field.is_leaf()) leaves->push_back(field.column_index);
  for (const auto& child : field.children) AddLeafColumns(child, leaves);
}

Result<std::unique_ptr<parquet::arrow::FileReader>> OpenFileReader(const FileToRead& file) {
  MORTAR_ASSIGN_OR_RETURN(auto input, file.open());
  auto reader = parquet::arrow::OpenFile(input, arrow::default_memory_pool());
  if (!reader.ok()) {
    return Status::Invalid(file.display_name +
                           " is not a readable Parquet file: " + reader.status().message());
  }
  return std::move(*reader);
}

class ParquetReader final : public BatchReader {
 public:
  ParquetReader(std::vector<FileToRead> files, Schema schema, int64_t limit)
      : files_(std::move(files)),
        schema_(std::move(schema)),
        arrow_schema_(schema_.ToArrow()),
        remaining_(limit) {}

  const Schema& schema() const override { return schema_; }

  Result<Batch> Next() override {
    while (true) {
      if (remaining_ == 0) return Batch();
      if (!batches_) {
        if (next_ >= files_.size()) return Batch();
        MORTAR_RETURN_IF_ERROR(OpenNext());
      }
      std::shared_ptr<arrow::RecordBatch> batch;
      arrow::Status status = batches_->ReadNext(&batch);
      if (!status.ok())
        return Status::Invalid(files_[next_ - 1].display_name + ": " + status.message());
      if (!batch) {
        batches_.reset();
        file_reader_.reset();
        continue;
      }
      // A file is input from outside: Parquet's reader checks its structure, not its
      // values (a string column's UTF-8, a decimal's precision).
      MORTAR_RETURN_IF_ERROR(ValidateArrowInput(*batch, files_[next_ - 1].display_name));
      if (remaining_ > 0 && batch->num_rows() > remaining_) batch = batch->Slice(0, remaining_);
      if (remaining_ > 0) remaining_ -= batch->num_rows();
      return Conform(*batch);
    }
  }

 private:
  Status OpenNext() {
    std::size_t index = next_++;
    MORTAR_ASSIGN_OR_RETURN(file_reader_, OpenFileReader(files_[index]));
    file_reader_->set_batch_size(kDefaultBatchRows);
    std::shared_ptr<arrow::Schema> file_schema;
    arrow::Status schema_status = file_reader_->GetSchema(&file_schema);
    if (!schema_status.ok())
      return Status::Invalid(files_[index].display_name + ": " + schema_status.message());
    // The reader selects Parquet leaf columns, not fields: a struct, list or map field
    // has a leaf per value in it, all of which it needs. Batches hold the fields in the
    // order of their first leaf here, the dataset's order.
    std::vector<int> columns;
    for (const auto& column : schema_.columns()) {
      int found = file_schema->GetFieldIndex(column.name);
      if (found < 0) {
        return Status::Invalid(files_[index].display_name + ": column '" + column.name +
                               "' of the dataset's schema is not in the file");
      }
      AddLeafColumns(file_reader_->manifest().schema_fields[static_cast<std::size_t>(found)],
                     &columns);
    }
    auto reader = file_reader_->GetRecordBatchReader(
        [&] {
          std::vector<int> groups(static_cast<std::size_t>(file_reader_->num_row_groups()));
          for (std::size_t i = 0; i < groups.size(); ++i) groups[i] = static_cast<int>(i);
          return groups;
        }(),
        columns);
    if (!reader.ok())
      return Status::Invalid(files_[index].display_name + ": " + reader.status().message());
    batches_ = std::move(*reader);
    return Status::OK();
  }

  // Casts columns whose file type differs from the dataset's (int32 stored, int64 declared).
  Result<Batch> Conform(const arrow::RecordBatch& batch) {
    std::vector<std::shared_ptr<arrow::Array>> columns;
    MORTAR_RETURN_IF_ERROR(InitializeCompute());
    for (int i = 0; i < batch.num_columns(); ++i) {
      const auto& want = arrow_schema_->field(i)->type();
      if (batch.column(i)->type()->Equals(*want)) {
        columns.push_back(batch.column(i));
        continue;
      }
      auto cast = arrow::compute::Cast(*batch.column(i), want);
      if (!cast.ok()) {
        return Status::Invalid(
            files_[next_ - 1].display_name + ": column '" +
            schema_[static_cast<std::size_t>(i)].name + "' does not convert to " +
            schema_[static_cast<std::size_t>(i)].type.ToString() + ": " + cast.status().message());
      }
      columns.push_back(*cast);
    }
    return arrow::RecordBatch::Make(arrow_schema_, batch.num_rows(), std::move(columns));
  }

  std::vector<FileToRead> files_;
  Schema schema_;
  std::shared_ptr<arrow::Schema> arrow_schema_;
  int64_t remaining_;
  std::size_t next_ = 0;
  std::unique_ptr<parquet::arrow::FileReader> file_reader_;
  std::unique_ptr<arrow::RecordBatchReader> batches_;
};

// Below these, batches are gathered and handed to Arrow's writer together: it pays for
// every batch it is given (a task per column on its threads, a pass for levels and one
// for statistics per column), and warehouses send batches of 10,000 rows or fewer.
constexpr int64_t kGatherRows = 64 * 1024;
constexpr int64_t kGatherBytes = int64_t{8} << 20;

// Batches held by reference until enough are in hand (the dictionary sample, the small
// batches gathered), with the rows and buffer bytes they hold.
struct HeldBatches {
  arrow::RecordBatchVector batches;
  int64_t rows = 0;
  int64_t bytes = 0;

  void Add(const arrow::RecordBatch& batch) {
    batches.push_back(arrow::RecordBatch::Make(batch.schema(), batch.num_rows(), batch.columns()));
    rows += batch.num_rows();
    bytes += arrow::util::TotalBufferSize(batch);
  }
  arrow::RecordBatchVector Take() {
    rows = bytes = 0;
    return std::exchange(batches, {});
  }
};

// Holds the file's first rows until it has decided which columns to write without a
// dictionary (dictionary_columns.h), then writes them and every later batch, small ones
// gathered.
class ParquetWriter final : public BatchWriter {
 public:
  ParquetWriter(fs::path target, Schema schema, ParquetWriteOptions options)
      : commit_(std::move(target)), schema_(std::move(schema)), options_(options) {}

  Status Open() {
    MORTAR_RETURN_IF_ERROR(commit_.Prepare());
    auto file = arrow::io::FileOutputStream::Open(commit_.temporary().string());
    if (!file.ok()) return FromArrowStatus(file.status());
    stream_ = *file;
    // Without dictionaries there is nothing to decide: rows are written as they come.
    if (!options_.dictionary) return StartWriting();
    // A schema Parquet cannot hold fails now, not after the sample has been read.
    std::shared_ptr<parquet::SchemaDescriptor> parquet_schema;
    return FromArrowStatus(parquet::arrow::ToParquetSchema(
        schema_.ToArrow().get(), *WriterProperties({}), *ArrowProperties(), &parquet_schema));
  }

  Status Write(const arrow::RecordBatch& batch) override {
    if (!writer_) {
      sample_.Add(batch);
      bool sampled = sample_.rows >= std::min(kDictionarySampleRows, options_.row_group_rows) ||
                     sample_.bytes >= kDictionarySampleBytes;
      return sampled ? StartWriting() : Status::OK();
    }
    if (gathered_.batches.empty() && batch.num_rows() >= kGatherRows) return WriteToArrow(batch);
    gathered_.Add(batch);
    bool enough = gathered_.rows >= kGatherRows || gathered_.bytes >= kGatherBytes;
    return enough ? WriteGathered() : Status::OK();
  }

  Status Commit() override {
    if (!writer_) MORTAR_RETURN_IF_ERROR(StartWriting());
    MORTAR_RETURN_IF_ERROR(WriteGathered());
    return commit_.CloseAndCommit([this] { return writer_->Close(); }, *stream_);
  }

  void Abort() override { commit_.CloseAndAbort(stream_.get()); }

 private:
  // Opens Arrow's writer, with or without a dictionary for each column as the sample
  // says, and writes the sample.
  Status StartWriting() {
    auto arrow_schema = schema_.ToArrow();
    std::vector<std::string> plain;
    if (options_.dictionary) {
      MORTAR_ASSIGN_OR_RETURN(
          auto columns,
          ColumnsOutgrowingDictionary(
              sample_.batches, parquet::default_writer_properties()->dictionary_pagesize_limit()));
      for (int column : columns) plain.push_back(arrow_schema->field(column)->name());
    }
    auto writer =
        parquet::arrow::FileWriter::Open(*arrow_schema, arrow::default_memory_pool(), stream_,
                                         WriterProperties(plain), ArrowProperties());
    if (!writer.ok()) return FromArrowStatus(writer.status());
    writer_ = std::move(*writer);
    for (const auto& batch : sample_.Take()) MORTAR_RETURN_IF_ERROR(Write(*batch));
    return Status::OK();
  }

  // Writes the small batches gathered so far as one.
  Status WriteGathered() {
    auto batches = gathered_.Take();
    if (batches.empty()) return Status::OK();
    if (batches.size() == 1) return WriteToArrow(*batches[0]);
    auto joined = arrow::ConcatenateRecordBatches(batches);
    if (!joined.ok()) return commit_.WriteError(joined.status());
    return WriteToArrow(**joined);
  }

  Status WriteToArrow(const arrow::RecordBatch& batch) {
    int64_t bytes = arrow::util::TotalBufferSize(batch);
    // Wide rows: the row group closes by its bytes before it reaches row_group_rows.
    if (group_bytes_ > 0 && group_bytes_ + bytes > options_.row_group_bytes) {
      if (arrow::Status status = writer_->NewBufferedRowGroup(); !status.ok())
        return commit_.WriteError(status);
      group_rows_ = group_bytes_ = 0;
    }
    arrow::Status status = writer_->WriteRecordBatch(batch);
    if (!status.ok()) return commit_.WriteError(status);
    group_rows_ += batch.num_rows();
    group_bytes_ += bytes;
    // Arrow closes a group at row_group_rows itself: what is left is in the next one.
    if (group_rows_ >= options_.row_group_rows) {
      group_rows_ %= options_.row_group_rows;
      group_bytes_ = batch.num_rows() > 0 ? bytes * group_rows_ / batch.num_rows() : 0;
    }
    return Status::OK();
  }

  // Snappy, the row group size, and dictionaries for every column but `plain` (none at
  // all when the options say so).
  std::shared_ptr<parquet::WriterProperties> WriterProperties(
      const std::vector<std::string>& plain) const {
    parquet::WriterProperties::Builder builder;
    builder.compression(parquet::Compression::SNAPPY)
        ->max_row_group_length(options_.row_group_rows);
    if (!options_.dictionary) builder.disable_dictionary();
    for (const auto& column : plain) builder.disable_dictionary(column);
    return builder.build();
  }

  static std::shared_ptr<parquet::ArrowWriterProperties> ArrowProperties() {
    return parquet::ArrowWriterProperties::Builder().store_schema()->set_use_threads(true)->build();
  }

  FileCommit commit_;
  Schema schema_;
  ParquetWriteOptions options_;
  std::shared_ptr<arrow::io::FileOutputStream> stream_;
  std::unique_ptr<parquet::arrow::FileWriter> writer_;
  HeldBatches sample_;
  HeldBatches gathered_;
  int64_t group_rows_ = 0;  // written into the row group Arrow is filling
  int64_t group_bytes_ = 0;
};

}  // namespace

Result<Schema> ReadParquetSchema(const FileToRead& file) {
  MORTAR_ASSIGN_OR_RETURN(auto reader, OpenFileReader(file));
  std::shared_ptr<arrow::Schema> schema;
  arrow::Status status = reader->GetSchema(&schema);
  if (!status.ok()) return Status::Invalid(file.display_name + ": " + status.message());
  return Schema::FromArrow(*schema);
}

Result<std::unique_ptr<BatchReader>> OpenParquetReader(std::vector<FileToRead> files, Schema schema,
                                                       int64_t limit) {
  return std::unique_ptr<BatchReader>(
      new ParquetReader(std::move(files), std::move(schema), limit));
}

Result<std::unique_ptr<BatchWriter>> OpenParquetWriter(const fs::path& target, const Schema& schema,
                                                       ParquetWriteOptions options) {
  auto writer = std::make_unique<ParquetWriter>(target, schema, options);
  MORTAR_RETURN_IF_ERROR(writer->Open());
  return std::unique_ptr<BatchWriter>(std::move(writer));
}

}  // namespace mortar::filesystem
