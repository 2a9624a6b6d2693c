// The data API's Arrow input (a Python client's write_dataframe, a recipe's output):
// any body, fed in pieces as HTTP delivers it, is decoded by the same ArrowStreamInput
// the data API uses, its schema converted to Mortar's types, and every batch written
// through the CSV writer (which reads every value), or refused with an error.
#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "connectors/filesystem/csv_file.h"
#include "connectors/filesystem/csv_options.h"
#include "mortar/core/arrow_input.h"
#include "mortar/core/schema.h"

namespace {

class CsvSink final : public mortar::ArrowInputListener {
 public:
  ~CsvSink() override {
    if (writer_) writer_->Abort();
  }

  mortar::Status OnSchema(std::shared_ptr<arrow::Schema> incoming) override {
    MORTAR_ASSIGN_OR_RETURN(mortar::Schema schema, mortar::Schema::FromArrow(*incoming));
    arrow_schema_ = schema.ToArrow();
    static const std::filesystem::path target =
        std::filesystem::temp_directory_path() /
        ("mortar-fuzz-arrow-input-" + std::to_string(getpid()) + ".csv");
    MORTAR_ASSIGN_OR_RETURN(writer_, mortar::filesystem::OpenCsvWriter(
                                         target, schema, mortar::filesystem::CsvOptions{}, false));
    return mortar::Status::OK();
  }

  mortar::Status OnBatch(std::shared_ptr<arrow::RecordBatch> batch) override {
    if (!writer_ || batch->num_columns() != arrow_schema_->num_fields()) {
      return mortar::Status::Invalid("the batch does not match the stream's schema");
    }
    // Null columns cost no bytes: a small input may stand for millions of rows, which
    // would only make each run slow. Past this, the input has shown what it can.
    rows_ += batch->num_rows();
    if (rows_ > kMaxRowsWritten) return mortar::Status::Invalid("enough rows for one input");
    arrow::ArrayVector columns;
    for (int i = 0; i < batch->num_columns(); ++i) {
      auto column = batch->column(i);
      const auto& target = arrow_schema_->field(i)->type();
      if (!column->type()->Equals(*target)) {
        auto cast = arrow::compute::Cast(*column, target, arrow::compute::CastOptions::Safe());
        if (!cast.ok()) return mortar::Status::Invalid(cast.status().message());
        column = *cast;
      }
      columns.push_back(std::move(column));
    }
    return writer_->Write(*arrow::RecordBatch::Make(arrow_schema_, batch->num_rows(), columns));
  }

 private:
  static constexpr int64_t kMaxRowsWritten = 100000;
  std::shared_ptr<arrow::Schema> arrow_schema_;
  std::unique_ptr<mortar::BatchWriter> writer_;
  int64_t rows_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte: the size of the pieces the body arrives in.
  const std::size_t piece = 1 + data[0] * 64;
  CsvSink sink;
  mortar::ArrowStreamInput input(sink, "the fuzzed body");
  for (std::size_t at = 1; at < size; at += piece) {
    if (!input.Consume(reinterpret_cast<const char*>(data + at), std::min(piece, size - at)).ok())
      break;
  }
  return 0;
}
