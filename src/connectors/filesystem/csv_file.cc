#include "connectors/filesystem/csv_file.h"

#include <arrow/api.h>
#include <arrow/csv/api.h>
#include <arrow/io/api.h>
#include <arrow/ipc/writer.h>
#include <arrow/util/compression.h>

#include <future>

#include "connectors/filesystem/file_commit.h"
#include "mortar/core/cell_text.h"
#include "mortar/core/text_conversion.h"
#include "mortar/core/type_guesser.h"

namespace mortar::filesystem {

namespace fs = std::filesystem;

namespace {

// Keeps a codec alive as long as the stream that uses it.
struct InputFile {
  std::unique_ptr<arrow::util::Codec> codec;
  std::shared_ptr<arrow::io::InputStream> stream;
};

// Read-ahead for remote files: one ranged request per 8 MiB.
constexpr int64_t kReadAheadBytes = 8 << 20;

Result<InputFile> OpenInput(const FileToRead& file, const CsvOptions& options) {
  MORTAR_ASSIGN_OR_RETURN(auto raw, file.open());
  auto buffered =
      arrow::io::BufferedInputStream::Create(kReadAheadBytes, arrow::default_memory_pool(), raw);
  if (!buffered.ok()) return FromArrowStatus(buffered.status());
  InputFile input;
  input.stream = *buffered;
  if (options.compression == Compression::kGzip) {
    auto codec = arrow::util::Codec::Create(arrow::Compression::GZIP);
    if (!codec.ok()) return FromArrowStatus(codec.status());
    input.codec = std::move(*codec);
    auto compressed = arrow::io::CompressedInputStream::Make(input.codec.get(), input.stream);
    if (!compressed.ok()) return FromArrowStatus(compressed.status());
    input.stream = *compressed;
  }
  return input;
}

// Splits the first record of CSV text into fields, honouring quotes.
std::vector<std::string> SplitFirstRecord(std::string_view text, const CsvOptions& options,
                                          bool* complete) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  *complete = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == options.quote) {
        if (i + 1 < text.size() && text[i + 1] == options.quote) {
          field += c;
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == options.quote) {
      quoted = true;
    } else if (c == options.delimiter) {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      *complete = true;
      break;
    } else {
      field += c;
    }
  }
  if (!*complete && !text.empty()) *complete = true;  // a file of one line
  fields.push_back(std::move(field));
  return fields;
}

std::string DescribeRow(int64_t number) {
  return number >= 0 ? "line " + std::to_string(number) : "a row";
}

class CsvReader final : public BatchReader {
 public:
  // `kept`: the indices in `file_schema` of the columns returned, in order.
  CsvReader(std::vector<FileToRead> files, Schema file_schema, std::vector<std::size_t> kept,
            CsvOptions options, int64_t limit)
      : files_(std::move(files)),
        file_schema_(std::move(file_schema)),
        kept_(std::move(kept)),
        options_(options),
        remaining_(limit) {
    for (std::size_t index : kept_) schema_.Add(file_schema_[index]);
    arrow_schema_ = schema_.ToArrow();
  }

  const Schema& schema() const override { return schema_; }

  Result<Batch> Next() override {
    while (true) {
      if (remaining_ == 0) return Batch();
      if (!reader_) {
        if (next_file_ >= files_.size()) return Batch();
        MORTAR_RETURN_IF_ERROR(OpenFile(next_file_++));
      }
      // The next block parses on a thread of its own while this one converts.
      if (!parsing_.valid()) parsing_ = Parse();
      auto [status, text] = parsing_.get();
      if (!status.ok()) return TranslateError(status);
      // (Not past a row limit this block reaches: a preview reads no block it will not show.)
      if (text && (remaining_ < 0 || remaining_ > text->num_rows())) parsing_ = Parse();
      if (!text) {
        reader_.reset();
        input_ = InputFile{};
        continue;
      }
      if (text->num_rows() == 0) continue;
      if (remaining_ > 0 && text->num_rows() > remaining_) text = text->Slice(0, remaining_);
      std::vector<std::shared_ptr<arrow::Array>> columns;
      columns.reserve(schema_.size());
      // The parser returns the kept columns only, each once, under their file position.
      for (std::size_t i = 0; i < schema_.size(); ++i) {
        TextOrigin origin{files_[next_file_ - 1].display_name, schema_[i].name, rows_in_file_ + 1};
        const auto& text_column = text->GetColumnByName(ParsedName(kept_[i]));
        MORTAR_ASSIGN_OR_RETURN(auto column, ConvertText(*text_column, schema_[i].type, origin));
        columns.push_back(std::move(column));
      }
      rows_in_file_ += text->num_rows();
      if (remaining_ > 0) remaining_ -= text->num_rows();
      return arrow::RecordBatch::Make(arrow_schema_, text->num_rows(), std::move(columns));
    }
  }

 private:
  Status OpenFile(std::size_t index) {
    const FileToRead& file = files_[index];
    const std::string& display = file.display_name;
    MORTAR_ASSIGN_OR_RETURN(std::vector<std::string> names, ReadCsvColumnNames(file, options_));
    if (names.size() != file_schema_.size()) {
      std::string found;
      for (const auto& name : names) found += (found.empty() ? "" : ", ") + name;
      return Status::Invalid(display + ": the file has " + std::to_string(names.size()) +
                             " columns (" + found + ") but the dataset's schema has " +
                             std::to_string(file_schema_.size()) + " (" + file_schema_.ToString() +
                             "); fix the file or update the schema with 'mortar dataset detect'");
    }
    MORTAR_ASSIGN_OR_RETURN(input_, OpenInput(file, options_));
    auto read = arrow::csv::ReadOptions::Defaults();
    read.use_threads = true;
    read.block_size = 1 << 20;
    read.skip_rows = options_.header ? 1 : 0;
    read.column_names.clear();
    for (std::size_t i = 0; i < names.size(); ++i) read.column_names.push_back(ParsedName(i));
    auto parse = arrow::csv::ParseOptions::Defaults();
    parse.delimiter = options_.delimiter;
    parse.quote_char = options_.quote;
    parse.newlines_in_values = options_.multiline;
    parse.invalid_row_handler = [this, display](const arrow::csv::InvalidRow& row) {
      ragged_ = display + ", " + DescribeRow(row.number) + ": expected " +
                std::to_string(row.expected_columns) + " fields, found " +
                std::to_string(row.actual_columns) + " (" + std::string(row.text.substr(0, 80)) +
                ")";
      return arrow::csv::InvalidRowResult::Error;
    };
    auto convert = arrow::csv::ConvertOptions::Defaults();
    for (std::size_t index : kept_) {
      const std::string& parsed = read.column_names[index];
      if (convert.column_types.count(parsed) == 0) convert.include_columns.push_back(parsed);
      convert.column_types[parsed] = arrow::utf8();
    }
    convert.strings_can_be_null = false;
    convert.quoted_strings_can_be_null = false;
    auto reader = arrow::csv::StreamingReader::Make(arrow::io::default_io_context(), input_.stream,
                                                    read, parse, convert);
    if (!reader.ok()) return TranslateError(reader.status());
    reader_ = *reader;
    rows_in_file_ = 0;
    return Status::OK();
  }

  // The parser's name for the file's column `index` (the header's names may repeat).
  static std::string ParsedName(std::size_t index) { return "c" + std::to_string(index); }

  Status TranslateError(const arrow::Status& status) {
    if (!ragged_.empty()) return Status::Invalid("ragged CSV row: " + ragged_);
    std::string display = next_file_ > 0 ? files_[next_file_ - 1].display_name : "CSV";
    return Status::Invalid(display + ": " + status.message());
  }

  using Parsed = std::pair<arrow::Status, std::shared_ptr<arrow::RecordBatch>>;
  std::future<Parsed> Parse() {
    return std::async(std::launch::async, [reader = reader_]() {
      Parsed parsed;
      parsed.first = reader->ReadNext(&parsed.second);
      return parsed;
    });
  }

  std::vector<FileToRead> files_;
  Schema file_schema_;
  std::vector<std::size_t> kept_;
  Schema schema_;  // the kept columns
  std::shared_ptr<arrow::Schema> arrow_schema_;
  CsvOptions options_;
  int64_t remaining_;
  std::size_t next_file_ = 0;
  InputFile input_;
  std::shared_ptr<arrow::csv::StreamingReader> reader_;
  std::future<Parsed> parsing_;  // the next block of reader_, after the reader
  int64_t rows_in_file_ = 0;
  std::string ragged_;
};

class CsvWriter final : public BatchWriter {
 public:
  CsvWriter(fs::path target, Schema schema, CsvOptions options)
      : commit_(std::move(target)), schema_(std::move(schema)), options_(options) {}

  Status Open(bool append) {
    MORTAR_RETURN_IF_ERROR(commit_.Prepare());
    std::error_code error;
    bool had_rows = false;
    if (append && fs::exists(commit_.target())) {
      // Appending keeps atomicity by copying the old content first.
      fs::copy_file(commit_.target(), commit_.temporary(), error);
      if (error)
        return Status::Invalid("cannot copy " + commit_.target().string() + ": " + error.message());
      had_rows = fs::file_size(commit_.temporary()) > 0;
    }
    auto file = arrow::io::FileOutputStream::Open(commit_.temporary().string(), append);
    if (!file.ok()) return FromArrowStatus(file.status());
    stream_ = *file;
    if (options_.compression == Compression::kGzip) {
      auto codec = arrow::util::Codec::Create(arrow::Compression::GZIP);
      if (!codec.ok()) return FromArrowStatus(codec.status());
      codec_ = std::move(*codec);
      auto compressed = arrow::io::CompressedOutputStream::Make(codec_.get(), stream_);
      if (!compressed.ok()) return FromArrowStatus(compressed.status());
      stream_ = *compressed;
    }
    // Nested columns are written as JSON text.
    arrow::FieldVector fields;
    for (const auto& column : schema_.columns()) {
      fields.push_back(arrow::field(
          column.name, column.type.IsNested() ? arrow::utf8() : column.type.ToArrow()));
    }
    text_schema_ = arrow::schema(fields);
    auto write = arrow::csv::WriteOptions::Defaults();
    write.include_header = options_.header && !had_rows;
    write.delimiter = options_.delimiter;
    write.quoting_style = arrow::csv::QuotingStyle::Needed;
    write.batch_size = 16 * 1024;
    auto writer = arrow::csv::MakeCSVWriter(stream_, text_schema_, write);
    if (!writer.ok()) return FromArrowStatus(writer.status());
    writer_ = *writer;
    return Status::OK();
  }

  Status Write(const arrow::RecordBatch& batch) override {
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (int i = 0; i < batch.num_columns(); ++i) {
      if (schema_[static_cast<std::size_t>(i)].type.IsNested()) {
        MORTAR_ASSIGN_OR_RETURN(auto text, NestedToJsonText(*batch.column(i)));
        columns.push_back(std::move(text));
      } else {
        columns.push_back(batch.column(i));
      }
    }
    auto text_batch = arrow::RecordBatch::Make(text_schema_, batch.num_rows(), std::move(columns));
    arrow::Status status = writer_->WriteRecordBatch(*text_batch);
    if (!status.ok()) return commit_.WriteError(status);
    return Status::OK();
  }

  Status Commit() override {
    return commit_.CloseAndCommit([this] { return writer_->Close(); }, *stream_);
  }

  void Abort() override { commit_.CloseAndAbort(stream_.get()); }

 private:
  FileCommit commit_;
  Schema schema_;
  CsvOptions options_;
  std::unique_ptr<arrow::util::Codec> codec_;
  std::shared_ptr<arrow::io::OutputStream> stream_;
  std::shared_ptr<arrow::Schema> text_schema_;
  std::shared_ptr<arrow::ipc::RecordBatchWriter> writer_;
};

}  // namespace

Result<std::vector<std::string>> ReadCsvColumnNames(const FileToRead& file,
                                                    const CsvOptions& options) {
  MORTAR_ASSIGN_OR_RETURN(InputFile input, OpenInput(file, options));
  std::string head;
  bool complete = false;
  std::vector<std::string> fields;
  while (!complete && head.size() < (16 << 20)) {
    auto chunk = input.stream->Read(64 * 1024);
    if (!chunk.ok()) return Status::Invalid(file.display_name + ": " + chunk.status().message());
    if ((*chunk)->size() == 0) break;
    head.append(reinterpret_cast<const char*>((*chunk)->data()),
                static_cast<std::size_t>((*chunk)->size()));
    fields = SplitFirstRecord(head, options, &complete);
    if (head.find('\n') == std::string::npos) complete = false;
  }
  if (head.empty()) return Status::Invalid(file.display_name + ": the file is empty");
  fields = SplitFirstRecord(head, options, &complete);
  if (!options.header) {
    for (std::size_t i = 0; i < fields.size(); ++i) fields[i] = "col_" + std::to_string(i + 1);
  } else {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].empty()) fields[i] = "col_" + std::to_string(i + 1);
    }
  }
  return fields;
}

Result<Schema> InferCsvSchema(const FileToRead& file, const CsvOptions& options,
                              int64_t sample_rows) {
  MORTAR_ASSIGN_OR_RETURN(std::vector<std::string> names, ReadCsvColumnNames(file, options));
  Schema text_schema;
  for (const auto& name : names) text_schema.Add(Column{name, Type::String(), true});
  MORTAR_ASSIGN_OR_RETURN(auto reader, OpenCsvReader({file}, text_schema, options, sample_rows));
  std::vector<TypeGuesser> guessers(names.size());
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
    if (!batch) break;
    for (int c = 0; c < batch->num_columns(); ++c) {
      const auto& strings = static_cast<const arrow::StringArray&>(*batch->column(c));
      for (int64_t r = 0; r < strings.length(); ++r) {
        guessers[static_cast<std::size_t>(c)].Observe(strings.GetView(r));
      }
    }
  }
  Schema schema;
  for (std::size_t i = 0; i < names.size(); ++i) {
    schema.Add(Column{names[i], guessers[i].Guess(), true});
  }
  return schema;
}

Result<std::unique_ptr<BatchReader>> OpenCsvReader(std::vector<FileToRead> files, Schema schema,
                                                   CsvOptions options, int64_t limit,
                                                   const std::vector<std::string>& columns) {
  std::vector<std::size_t> kept;
  if (columns.empty()) {
    for (std::size_t i = 0; i < schema.size(); ++i) kept.push_back(i);
  } else {
    // Select says which column is missing; the reader needs their positions.
    MORTAR_RETURN_IF_ERROR(schema.Select(columns).status());
    for (const auto& name : columns) kept.push_back(*schema.IndexOf(name));
  }
  return std::unique_ptr<BatchReader>(
      new CsvReader(std::move(files), std::move(schema), std::move(kept), options, limit));
}

Result<std::unique_ptr<BatchWriter>> OpenCsvWriter(const fs::path& target, const Schema& schema,
                                                   const CsvOptions& options, bool append) {
  if (append && options.compression == Compression::kGzip) {
    return Status::Invalid(target.string() +
                           ": appending to a gzip-compressed CSV file is not supported; "
                           "write it in replace mode or without compression");
  }
  auto writer = std::make_unique<CsvWriter>(target, schema, options);
  MORTAR_RETURN_IF_ERROR(writer->Open(append));
  return std::unique_ptr<BatchWriter>(std::move(writer));
}

}  // namespace mortar::filesystem
