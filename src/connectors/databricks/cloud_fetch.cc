#include "connectors/databricks/cloud_fetch.h"

#include <arrow/record_batch.h>

#include <algorithm>
#include <cctype>

#include "connectors/databricks/result_decoder.h"
#include "mortar/core/ascii_case.h"
#include "mortar/http/http_error_detail.h"

namespace mortar::databricks {

struct CloudFetchDownloads::Slot {
  enum class State { kQueued, kDownloading, kDone };
  State state = State::kQueued;
  Status status;
  DownloadedFile file;
};

namespace {

std::string Rows(const ResultLink& link) {
  return "rows " + std::to_string(link.start_row) + " to " +
         std::to_string(link.start_row + std::max<int64_t>(link.row_count, 1) - 1);
}

// What is wrong with a downloaded file, named by its rows (never its link).
Status FileError(const std::string& connection_name, const ResultLink& link,
                 const std::string& what) {
  return Status::Remote("connection '" + connection_name + "': the result file of " + Rows(link) +
                        " " + what);
}

bool SaysExpired(const std::string& body) {
  return AsciiLower(std::string_view(body).substr(0, 4096)).find("expired") != std::string::npos;
}

// The storage's own message (an S3 or Azure error document), short, for the error.
std::string StorageMessage(const std::string& body) {
  for (const char* tag : {"<Message>", "\"message\":\""}) {
    auto open = body.find(tag);
    if (open == std::string::npos) continue;
    open += std::string(tag).size();
    auto close = body.find_first_of("<\"", open);
    if (close != std::string::npos)
      return body.substr(open, std::min<std::size_t>(close - open, 300));
  }
  return "";
}

}  // namespace

CloudFetchDownloads::CloudFetchDownloads(CloudFetchOptions options, TransportFactory transports,
                                         http::Clock& clock)
    : options_(std::move(options)), transports_(std::move(transports)), clock_(clock) {
  options_.parallelism = std::max(1, options_.parallelism);
  spares_ = std::make_shared<SpareBuffers>(static_cast<std::size_t>(options_.parallelism) + 1);
}

CloudFetchDownloads::~CloudFetchDownloads() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void CloudFetchDownloads::Add(std::vector<ResultLink> links) {
  std::lock_guard lock(mutex_);
  for (auto& link : links) {
    auto slot = std::make_shared<Slot>();
    slot->file.link = std::move(link);
    slots_.push_back(std::move(slot));
  }
  // Workers start with the first files: a result with one file needs one.
  std::size_t wanted = std::min<std::size_t>(options_.parallelism, slots_.size());
  while (workers_.size() < wanted) workers_.emplace_back([this] { Work(); });
  changed_.notify_all();
}

std::size_t CloudFetchDownloads::Waiting() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

Result<DownloadedFile> CloudFetchDownloads::Next() {
  std::shared_ptr<Slot> slot;
  {
    std::unique_lock lock(mutex_);
    if (slots_.empty()) return Status::Internal("no result file is queued");
    changed_.wait(lock, [&] { return slots_.front()->state == Slot::State::kDone; });
    slot = slots_.front();
    slots_.pop_front();
  }
  if (!slot->status.ok()) {
    changed_.notify_all();
    return slot->status;
  }
  DownloadedFile file = std::move(slot->file);
  changed_.notify_all();  // the window moves on: a worker may start the next file
  if (!file.expired) MORTAR_RETURN_IF_ERROR(Open(file));
  return file;
}

void CloudFetchDownloads::Clear() {
  std::lock_guard lock(mutex_);
  slots_.clear();  // workers keep the slots they hold alive and drop them when done
}

void CloudFetchDownloads::Work() {
  std::unique_ptr<http::Transport> transport;
  Status transport_error;
  while (true) {
    std::shared_ptr<Slot> slot;
    {
      std::unique_lock lock(mutex_);
      // Only the first `parallelism` files may be downloading or waiting to be handed
      // over: that is what bounds memory.
      auto pick = [&]() -> std::shared_ptr<Slot> {
        std::size_t window = std::min<std::size_t>(options_.parallelism, slots_.size());
        for (std::size_t i = 0; i < window; ++i) {
          if (slots_[i]->state == Slot::State::kQueued) return slots_[i];
        }
        return nullptr;
      };
      changed_.wait(lock, [&] { return stopping_ || (slot = pick()) != nullptr; });
      if (stopping_) return;
      slot->state = Slot::State::kDownloading;
    }
    if (!transport && transport_error.ok()) {
      auto made = transports_();
      if (made.ok()) {
        transport = std::move(*made);
      } else {
        transport_error = made.status();
      }
    }
    Status status = transport ? Download(*transport, *slot) : transport_error;
    {
      std::lock_guard lock(mutex_);
      slot->status = std::move(status);
      slot->state = Slot::State::kDone;
    }
    changed_.notify_all();
  }
}

bool CloudFetchDownloads::Expired(const ResultLink& link) const {
  if (!link.expires_ms) return false;
  auto now =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.WallNow().time_since_epoch())
          .count();
  return now + options_.expiry_margin.count() >= *link.expires_ms;
}

Status CloudFetchDownloads::Download(http::Transport& transport, Slot& slot) {
  DownloadedFile& file = slot.file;
  const ResultLink& link = file.link;
  const std::string prefix = "connection '" + options_.connection_name + "': ";
  if (Expired(link)) {
    file.expired = true;
    return Status::OK();
  }
  http::Request request;
  request.method = "GET";
  request.url = link.url;
  request.headers = link.headers;
  request.timeout = std::chrono::minutes(10);
  std::string memory = spares_->Take();
  request.body_memory = &memory;
  auto response = http::SendWithRetry(transport, request, options_.retry, clock_);
  if (!response.ok()) {
    Status failed = Status::Remote(prefix + "the result file of " + Rows(link) +
                                   " could not be downloaded: " + response.status().message() +
                                   "; check that this machine reaches the workspace's storage");
    if (const auto* answered = response.status().detail<http::HttpErrorDetail>())
      failed = failed.WithDetail(http::HttpErrorDetail(answered->http_status));
    return failed;
  }
  if (response->status == 403 && (Expired(link) || SaysExpired(response->body))) {
    file.expired = true;
    return Status::OK();
  }
  if (response->status != 200) {
    std::string message = StorageMessage(response->body);
    return Status::Remote(prefix + "the storage refused the result file of " + Rows(link) +
                          " with HTTP " + std::to_string(response->status) +
                          (message.empty() ? "" : " (" + message + ")") + " at " +
                          http::RedactUrl(link.url))
        .WithDetail(http::HttpErrorDetail(response->status));
  }
  // Kept as it came (LZ4 compressed): the files waiting to be handed over take a third
  // of the memory they would decoded. Next opens each as it hands it over.
  file.body = std::move(response->body);
  return Status::OK();
}

Status CloudFetchDownloads::Open(DownloadedFile& file) {
  auto batches = ArrowStreamBatches::Open(std::move(file.body), options_.lz4, spares_);
  std::string().swap(file.body);
  if (!batches.ok()) {
    return FileError(options_.connection_name, file.link,
                     "is not a valid Arrow stream: " + batches.status().message());
  }
  file.batches =
      std::make_unique<FileBatches>(file.link, std::move(*batches), options_.connection_name);
  return Status::OK();
}

Status CheckFileFollows(const ResultLink& link, int64_t rows_read,
                        const std::string& connection_name) {
  if (link.start_row == rows_read && link.row_count >= 0) return Status::OK();
  return FileError(connection_name, link,
                   "does not follow the " + std::to_string(rows_read) +
                       " rows read before it (it starts at row " + std::to_string(link.start_row) +
                       "): the server listed the result's files with a gap or an overlap");
}

FileBatches::FileBatches(ResultLink link, std::unique_ptr<ArrowStreamBatches> batches,
                         std::string connection_name)
    : link_(std::move(link)),
      batches_(std::move(batches)),
      connection_name_(std::move(connection_name)) {}

Result<Batch> FileBatches::Next() {
  auto batch = batches_->Next();
  if (!batch.ok()) return Invalid("is not a valid Arrow stream: " + batch.status().message());
  if (*batch) {
    rows_ += (*batch)->num_rows();
  } else if (link_.row_count > 0 && rows_ != link_.row_count) {
    return Invalid("holds " + std::to_string(rows_) + " rows where the server announced " +
                   std::to_string(link_.row_count));
  }
  return batch;
}

Status FileBatches::Invalid(const std::string& what) const {
  return FileError(connection_name_, link_, what);
}

}  // namespace mortar::databricks
