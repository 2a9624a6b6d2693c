#include "mortar/core/batch.h"

#include <arrow/api.h>
#include <arrow/compute/initialize.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "mortar/core/interrupt.h"
#include "mortar/core/progress.h"

namespace mortar {

Status FromArrowStatus(const arrow::Status& status) {
  if (status.ok()) return Status::OK();
  switch (status.code()) {
    case arrow::StatusCode::Invalid:
    case arrow::StatusCode::TypeError:
    case arrow::StatusCode::KeyError:
    case arrow::StatusCode::IndexError:
      return Status::Invalid(status.message());
    case arrow::StatusCode::Cancelled:
      return Status::Cancelled(status.message());
    case arrow::StatusCode::IOError:
      return Status::Remote(status.message());
    case arrow::StatusCode::NotImplemented:
      return Status::Invalid(status.message());
    default:
      return Status::Internal(status.ToString());
  }
}

Status InitializeCompute() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] { status = arrow::compute::Initialize(); });
  return FromArrowStatus(status);
}

namespace {

// A bounded hand-over of batches from one reading thread to the writing one, so that
// parsing and converting the next batches overlaps with writing this one.
class BatchQueue {
 public:
  explicit BatchQueue(std::size_t capacity) : capacity_(capacity) {}

  // False when the consumer has stopped.
  bool Push(Result<Batch> item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_ || stopped_; });
    if (stopped_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  Result<Batch> Pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty(); });
    Result<Batch> item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  void Stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    not_full_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<Result<Batch>> items_;
  bool stopped_ = false;
};

}  // namespace

namespace {

class LimitedReader final : public BatchReader {
 public:
  LimitedReader(std::unique_ptr<BatchReader> inner, int64_t limit)
      : inner_(std::move(inner)), left_(limit) {}
  const Schema& schema() const override { return inner_->schema(); }
  Result<Batch> Next() override {
    if (left_ <= 0) return Batch();
    MORTAR_ASSIGN_OR_RETURN(Batch batch, inner_->Next());
    if (batch && batch->num_rows() > left_) batch = batch->Slice(0, left_);
    if (batch) left_ -= batch->num_rows();
    return batch;
  }

 private:
  std::unique_ptr<BatchReader> inner_;
  int64_t left_;
};

}  // namespace

std::unique_ptr<BatchReader> LimitRows(std::unique_ptr<BatchReader> reader, int64_t limit) {
  return std::make_unique<LimitedReader>(std::move(reader), limit);
}

Result<CopyStats> CopyBatches(BatchReader& reader, BatchWriter& writer, Progress* progress) {
  // Two batches in flight bound the extra memory to about two batches.
  BatchQueue queue(2);
  std::thread producer([&] {
    while (true) {
      Result<Batch> batch = reader.Next();
      bool last = !batch.ok() || *batch == nullptr;
      if (!queue.Push(std::move(batch)) || last) return;
    }
  });
  CopyStats stats;
  Status status;
  while (true) {
    Result<Batch> batch = queue.Pop();
    if (!batch.ok()) {
      status = batch.status();
      break;
    }
    if (*batch == nullptr) break;
    status = StopIfInterrupted();
    if (!status.ok()) break;
    status = writer.Write(**batch);
    if (!status.ok()) break;
    stats.rows += (*batch)->num_rows();
    ++stats.batches;
    if (progress != nullptr) progress->Add((*batch)->num_rows());
  }
  queue.Stop();
  producer.join();
  if (status.ok()) status = StopIfInterrupted();
  if (!status.ok()) {
    writer.Abort();
    return status;
  }
  MORTAR_RETURN_IF_ERROR(writer.Commit());
  return stats;
}

namespace {

class ArrowReaderAdapter : public arrow::RecordBatchReader {
 public:
  explicit ArrowReaderAdapter(std::unique_ptr<BatchReader> reader)
      : reader_(std::move(reader)), schema_(reader_->schema().ToArrow()) {}

  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }

  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    auto next = reader_->Next();
    if (!next.ok()) {
      // Keep the code: Invalid stays Invalid, the rest becomes an IOError with our text.
      const Status& status = next.status();
      if (status.code() == ErrorCode::kInvalidInput)
        return arrow::Status::Invalid(status.ToString());
      if (status.code() == ErrorCode::kCancelled)
        return arrow::Status::Cancelled(status.ToString());
      return arrow::Status::IOError(status.ToString());
    }
    *batch = std::move(next).ValueUnsafe();
    return arrow::Status::OK();
  }

 private:
  std::unique_ptr<BatchReader> reader_;
  std::shared_ptr<arrow::Schema> schema_;
};

class FromArrowAdapter : public BatchReader {
 public:
  FromArrowAdapter(std::shared_ptr<arrow::RecordBatchReader> reader, Schema schema)
      : reader_(std::move(reader)), schema_(std::move(schema)) {}
  const Schema& schema() const override { return schema_; }
  Result<Batch> Next() override {
    std::shared_ptr<arrow::RecordBatch> batch;
    arrow::Status status = reader_->ReadNext(&batch);
    if (!status.ok()) return FromArrowStatus(status);
    return batch;
  }

 private:
  std::shared_ptr<arrow::RecordBatchReader> reader_;
  Schema schema_;
};

}  // namespace

std::shared_ptr<arrow::RecordBatchReader> ToArrowReader(std::unique_ptr<BatchReader> reader) {
  return std::make_shared<ArrowReaderAdapter>(std::move(reader));
}

Result<std::unique_ptr<BatchReader>> FromArrowReader(
    std::shared_ptr<arrow::RecordBatchReader> reader) {
  MORTAR_ASSIGN_OR_RETURN(Schema schema, Schema::FromArrow(*reader->schema()));
  return std::unique_ptr<BatchReader>(new FromArrowAdapter(std::move(reader), std::move(schema)));
}

}  // namespace mortar
