// CloudFetch: a result's Arrow files downloaded from their presigned links several at a
// time and handed over in row order. At most `parallelism` files are downloaded or held
// at once (compressed, as they came), and the one handed over is decoded a batch at a
// time as it is read, so memory stays bounded by a few compressed files and the batches
// the caller holds, whatever the result's size. A link
// that has expired (or that storage refuses as expired) is reported, not retried: the
// caller lists links again from that file's first row (FetchResults with
// startRowOffset) and queues the fresh ones. Other failures are retried within the
// policy's budget, then reported with the file's rows and the last HTTP status (never
// the link, which carries a signature). Internal to the connector. Next, Add and Clear
// are called from one thread; downloads run on worker threads of their own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "connectors/databricks/result_decoder.h"
#include "connectors/databricks/spare_buffers.h"
#include "mortar/core/batch.h"
#include "mortar/http/client.h"

namespace mortar::databricks {

// One result file: where it is and which rows it holds (TSparkArrowResultLink).
struct ResultLink {
  std::string url;
  std::vector<http::Header> headers;
  int64_t start_row = 0;
  int64_t row_count = 0;
  int64_t bytes = 0;                  // after decompression, as Databricks defines bytesNum
  std::optional<int64_t> expires_ms;  // Unix epoch milliseconds
};

struct CloudFetchOptions {
  std::string connection_name;
  int parallelism = 3;
  bool lz4 = false;
  // Downloads are GETs, safe to repeat: throttling, server errors and lost connections.
  http::RetryPolicy retry;
  // A link this close to its expiry is treated as expired (clocks differ).
  std::chrono::milliseconds expiry_margin{5000};
};

// A handed-over file's batches, read one at a time. At the file's end its rows are
// checked against the count its link announced.
class FileBatches {
 public:
  FileBatches(ResultLink link, std::unique_ptr<ArrowStreamBatches> batches,
              std::string connection_name);
  // The next batch; an empty Batch at the file's end.
  Result<Batch> Next();

 private:
  Status Invalid(const std::string& what) const;

  ResultLink link_;
  std::unique_ptr<ArrowStreamBatches> batches_;
  std::string connection_name_;
  int64_t rows_ = 0;
};

// Whether a file's rows start where the rows read before it end: a server that lists
// files with a gap or an overlap would have rows lost or read twice.
Status CheckFileFollows(const ResultLink& link, int64_t rows_read,
                        const std::string& connection_name);

// A file handed over: its batches, or the fact that its link expired first.
struct DownloadedFile {
  ResultLink link;
  bool expired = false;
  std::string body;                      // as downloaded, until Next opens it
  std::unique_ptr<FileBatches> batches;  // set by Next, unless the link expired
};

class CloudFetchDownloads {
 public:
  using TransportFactory = http::TransportFactory;

  CloudFetchDownloads(CloudFetchOptions options, TransportFactory transports, http::Clock& clock);
  ~CloudFetchDownloads();
  CloudFetchDownloads(const CloudFetchDownloads&) = delete;
  CloudFetchDownloads& operator=(const CloudFetchDownloads&) = delete;

  // Queues links that follow, in row order, those queued before.
  void Add(std::vector<ResultLink> links);
  // Files queued and not handed over yet.
  std::size_t Waiting() const;
  // The next file in row order, once downloaded, open for reading. Call only when
  // Waiting().
  Result<DownloadedFile> Next();
  // Forgets every queued file (downloads in flight finish and are dropped).
  void Clear();

 private:
  struct Slot;
  void Work();
  Status Download(http::Transport& transport, Slot& slot);
  Status Open(DownloadedFile& file);
  bool Expired(const ResultLink& link) const;

  CloudFetchOptions options_;
  TransportFactory transports_;
  http::Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<Slot>> slots_;  // in row order; the first is handed over next
  // The memory of files read, for the next downloads: those in the window and the one
  // being read.
  std::shared_ptr<SpareBuffers> spares_;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
};

}  // namespace mortar::databricks
