#include "mortar/core/arrow_input.h"

#include <arrow/buffer.h>
#include <arrow/ipc/reader.h>
#include <arrow/record_batch.h>

#include <string>
#include <utility>

namespace mortar {

Status ValidateArrowInput(const arrow::RecordBatch& batch, std::string_view source) {
  if (batch.num_rows() > kMaxArrowBatchRows) {
    return Status::Invalid(std::string(source) + " holds a record batch of " +
                           std::to_string(batch.num_rows()) + " rows, refused: the limit is " +
                           std::to_string(kMaxArrowBatchRows) + "; write smaller record batches");
  }
  arrow::Status valid = batch.ValidateFull();
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
      : decoding(std::move(listening)), decoder(decoding) {}
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
