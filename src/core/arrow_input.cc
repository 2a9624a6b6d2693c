#include "mortar/core/arrow_input.h"

#include <arrow/array.h>
#include <arrow/buffer.h>
#include <arrow/ipc/reader.h>
#include <arrow/record_batch.h>
#include <arrow/util/utf8.h>

#include <cstring>
#include <string>
#include <utility>

namespace mortar {

namespace {

// Whether a string column is valid as a whole, checked the fast way: its offsets rise
// within its data, the bytes they span are UTF-8 as one run, and no offset falls
// inside a character (then every value is UTF-8 on its own). Arrow checks each value
// apart, at several times the cost, which was a sixth of a CloudFetch read's CPU.
// False says only "not proven": the caller then asks Arrow, which also accepts bytes
// that only null values cover.
template <typename ArrayType>
bool StringColumnValid(const ArrayType& array) {
  // Arrow's UTF-8 tables are filled on first use: unfilled, every byte passes.
  static const bool utf8_ready = (arrow::util::InitializeUTF8(), true);
  if (!utf8_ready || !array.Validate().ok()) return false;
  const int64_t length = array.length();
  if (length == 0) return true;                     // an empty column may have no offsets at all
  const auto* offsets = array.raw_value_offsets();  // the array's own, slicing applied
  const auto* data = array.value_data() ? array.value_data()->data() : nullptr;
  const int64_t data_size = array.value_data() ? array.value_data()->size() : 0;
  if (offsets[0] < 0 || offsets[length] > data_size) return false;
  const int64_t begin = offsets[0];
  const int64_t end = offsets[length];
  for (int64_t i = 1; i <= length; ++i) {
    if (offsets[i] < offsets[i - 1]) return false;
    // Within [begin, end] now. A continuation byte (10xxxxxx) where a value starts
    // would split a character.
    if (offsets[i] < end && (data[offsets[i]] & 0xC0) == 0x80) return false;
  }
  return begin == end || arrow::util::ValidateUTF8(data + begin, end - begin);
}

// Whether every value of a decimal column of up to 18 digits fits its precision,
// checked the fast way: each is a 64-bit integer below 10^precision in magnitude. False
// says only "not proven" (a null's bytes may be anything, and Arrow skips nulls).
bool DecimalColumnValid(const arrow::Decimal128Array& array) {
  const auto& type = static_cast<const arrow::Decimal128Type&>(*array.type());
  if (type.precision() > 18 || !array.Validate().ok()) return false;
  int64_t bound = 1;
  for (int32_t digit = 0; digit < type.precision(); ++digit) bound *= 10;
  const uint8_t* values = array.raw_values();  // little-endian: the low word first
  for (int64_t i = 0; i < array.length(); ++i) {
    int64_t low = 0, high = 0;
    std::memcpy(&low, values + 16 * i, sizeof(low));
    std::memcpy(&high, values + 16 * i + 8, sizeof(high));
    if (high != (low < 0 ? -1 : 0) || low <= -bound || low >= bound) return false;
  }
  return true;
}

arrow::Status ValidateColumn(const arrow::Array& column) {
  switch (column.type_id()) {
    case arrow::Type::DECIMAL128:
      if (DecimalColumnValid(static_cast<const arrow::Decimal128Array&>(column)))
        return arrow::Status::OK();
      break;
    case arrow::Type::STRING:
      if (StringColumnValid(static_cast<const arrow::StringArray&>(column)))
        return arrow::Status::OK();
      break;
    case arrow::Type::LARGE_STRING:
      if (StringColumnValid(static_cast<const arrow::LargeStringArray&>(column)))
        return arrow::Status::OK();
      break;
    default:
      break;
  }
  return column.ValidateFull();
}

}  // namespace

arrow::ipc::IpcReadOptions ArrowInputReadOptions() {
  arrow::ipc::IpcReadOptions options = arrow::ipc::IpcReadOptions::Defaults();
  options.ensure_alignment = arrow::ipc::Alignment::kDataTypeSpecificAlignment;
  return options;
}

Status ValidateArrowInput(const arrow::RecordBatch& batch, std::string_view source) {
  if (batch.num_rows() > kMaxArrowBatchRows) {
    return Status::Invalid(std::string(source) + " holds a record batch of " +
                           std::to_string(batch.num_rows()) + " rows, refused: the limit is " +
                           std::to_string(kMaxArrowBatchRows) + "; write smaller record batches");
  }
  const arrow::Schema& schema = *batch.schema();
  arrow::Status valid;
  if (batch.num_columns() != schema.num_fields())
    valid = arrow::Status::Invalid(batch.num_columns(), " columns where the schema has ",
                                   schema.num_fields());
  for (int i = 0; valid.ok() && i < batch.num_columns(); ++i) {
    const arrow::Array& column = *batch.column(i);
    if (column.length() != batch.num_rows()) {
      valid =
          arrow::Status::Invalid(column.length(), " rows where the batch has ", batch.num_rows());
    } else if (!column.type()->Equals(*schema.field(i)->type())) {
      valid =
          arrow::Status::Invalid("of type ", column.type()->ToString(), " where the schema says ",
                                 schema.field(i)->type()->ToString());
    } else {
      valid = ValidateColumn(column);
    }
    if (!valid.ok())
      valid = arrow::Status::Invalid("column '", schema.field(i)->name(), "': ", valid.message());
  }
  if (valid.ok()) return Status::OK();
  return Status::Invalid(std::string(source) +
                         " holds invalid Arrow data, refused: " + valid.message());
}

// Arrow's listener, which validates each batch and keeps the listener's own error
// apart from Arrow's.
class ArrowStreamInput::Decoding final : public arrow::ipc::Listener {
 public:
  Decoding(ArrowInputListener& listener, std::string source)
      : listener_(listener), source_(std::move(source)) {}

  arrow::Status OnSchemaDecoded(std::shared_ptr<arrow::Schema> schema) override {
    return Refuse(listener_.OnSchema(std::move(schema)), true);
  }
  arrow::Status OnRecordBatchDecoded(std::shared_ptr<arrow::RecordBatch> batch) override {
    if (Status valid = ValidateArrowInput(*batch, source_); !valid.ok())
      return Refuse(valid, false);
    return Refuse(listener_.OnBatch(std::move(batch)), true);
  }
  arrow::Status OnEOS() override {
    ended = true;
    return arrow::Status::OK();
  }

  Status refused;
  bool by_listener = false;
  bool ended = false;

 private:
  arrow::Status Refuse(Status status, bool from_listener) {
    if (status.ok()) return arrow::Status::OK();
    refused = std::move(status);
    by_listener = from_listener;
    return arrow::Status::Invalid("refused");
  }

  ArrowInputListener& listener_;
  std::string source_;
};

struct ArrowStreamInput::Impl {
  explicit Impl(std::shared_ptr<Decoding> listening)
      : decoding(std::move(listening)), decoder(decoding, ArrowInputReadOptions()) {}
  std::shared_ptr<Decoding> decoding;
  arrow::ipc::StreamDecoder decoder;
};

ArrowStreamInput::ArrowStreamInput(ArrowInputListener& listener, std::string source)
    : impl_(std::make_unique<Impl>(std::make_shared<Decoding>(listener, source))),
      source_(std::move(source)) {}

ArrowStreamInput::~ArrowStreamInput() = default;

bool ArrowStreamInput::ended() const {
  return impl_->decoding->ended;
}

bool ArrowStreamInput::listener_refused() const {
  return !status_.ok() && impl_->decoding->by_listener;
}

Status ArrowStreamInput::Consume(const char* data, std::size_t size) {
  if (!status_.ok()) return status_;
  arrow::Status consumed =
      impl_->decoder.Consume(arrow::Buffer::FromString(std::string(data, size)));
  if (!impl_->decoding->refused.ok()) {
    status_ = impl_->decoding->refused;
  } else if (!consumed.ok()) {
    status_ = Status::Invalid(source_ + " is not a valid Arrow IPC stream: " + consumed.message());
  } else if (impl_->decoder.stats().num_dictionary_deltas > 0) {
    // Each delta is appended to the dictionary the decoder keeps: a stream of them
    // grows it without bound. A replacement (a new dictionary) takes the old one's place.
    status_ = Status::Invalid(source_ +
                              " holds an Arrow dictionary delta, which is not accepted: write "
                              "without dictionary deltas (pyarrow's emit_dictionary_deltas off)");
  } else if (impl_->decoder.next_required_size() > kMaxArrowMessageBytes) {
    // The decoder would buffer the whole announced message first.
    status_ = Status::Invalid(source_ + " announces an Arrow message of " +
                              std::to_string(impl_->decoder.next_required_size()) +
                              " bytes; the limit is " + std::to_string(kMaxArrowMessageBytes) +
                              ": write smaller record batches");
  }
  return status_;
}

}  // namespace mortar
