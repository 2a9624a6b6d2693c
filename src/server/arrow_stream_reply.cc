#include "server/arrow_stream_reply.h"

namespace mortar::server {

// Arrow's IPC writer writes many small pieces; they are gathered here and sent as one
// HTTP chunk per record batch.
class ChunkBuffer final : public arrow::io::OutputStream {
 public:
  arrow::Status Write(const void* data, int64_t size) override {
    buffer_.append(static_cast<const char*>(data), static_cast<std::size_t>(size));
    position_ += size;
    return arrow::Status::OK();
  }
  arrow::Status Close() override {
    closed_ = true;
    return arrow::Status::OK();
  }
  arrow::Result<int64_t> Tell() const override { return position_; }
  bool closed() const override { return closed_; }

  bool SendTo(httplib::DataSink& sink) {
    bool sent = buffer_.empty() || sink.write(buffer_.data(), buffer_.size());
    buffer_.clear();
    return sent;
  }

 private:
  std::string buffer_;
  int64_t position_ = 0;
  bool closed_ = false;
};

Result<std::shared_ptr<arrow::RecordBatch>> OutgoingStream::Conform(
    const std::shared_ptr<arrow::RecordBatch>& batch) {
  std::shared_ptr<arrow::RecordBatch> selected = batch;
  if (!columns.empty()) {
    auto picked = batch->SelectColumns(columns);
    if (!picked.ok()) return FromArrowStatus(picked.status());
    selected = *picked;
  }
  if (selected->schema()->Equals(*schema, false)) return selected;
  return arrow::RecordBatch::Make(schema, selected->num_rows(), selected->columns());
}

bool OutgoingStream::Next(httplib::DataSink& sink) {
  if (!buffer) buffer = std::make_shared<ChunkBuffer>();
  if (!writer) {
    auto made = arrow::ipc::MakeStreamWriter(buffer, schema);
    if (!made.ok()) return false;
    writer = *made;
    return buffer->SendTo(sink);
  }
  auto batch = reader->Next();
  if (!batch.ok()) return false;
  if (!*batch) {
    if (!writer->Close().ok() || !buffer->SendTo(sink)) return false;
    sink.done();
    return true;
  }
  auto conformed = Conform(*batch);
  if (!conformed.ok() || !writer->WriteRecordBatch(**conformed).ok()) return false;
  return buffer->SendTo(sink);
}

void StreamReply(httplib::Response& response, std::shared_ptr<OutgoingStream> stream) {
  response.set_header("Cache-Control", "no-store");
  response.set_chunked_content_provider(
      "application/vnd.apache.arrow.stream",
      [stream](std::size_t, httplib::DataSink& sink) { return stream->Next(sink); },
      [stream](bool) { stream->reader.reset(); });
}

}  // namespace mortar::server
