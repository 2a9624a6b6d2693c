#include "connectors/databricks/cloud_fetch.h"

#include <arrow/api.h>
#include <gtest/gtest.h>
#include <lz4frame.h>

#include <atomic>
#include <map>
#include <mutex>

#include "testing/id_stream.h"

namespace mortar::databricks {
namespace {

constexpr char kSignature[] = "X-Amz-Signature=0123456789abcdef";

// One result file: `rows` ids from `start`, as a whole Arrow IPC stream in one LZ4 frame.
std::string ResultFile(int64_t start, int64_t rows) {
  std::string plain = testing::IdStream(start, rows);
  std::string out(LZ4F_compressFrameBound(plain.size(), nullptr), '\0');
  out.resize(LZ4F_compressFrame(out.data(), out.size(), plain.data(), plain.size(), nullptr));
  return out;
}

// Storage shared by every download transport: a script of answers per URL (the last
// one repeats), and the number of requests each URL got. Thread-safe.
class Storage {
 public:
  void Serve(const std::string& url, std::vector<http::Response> answers) {
    std::lock_guard lock(mutex_);
    answers_[url] = std::move(answers);
  }
  Result<http::Response> Get(const http::Request& request) {
    std::lock_guard lock(mutex_);
    int& count = requests_[request.url];
    ++count;
    memory_[request.url] = request.body_memory ? request.body_memory->capacity() : 0;
    auto it = answers_.find(request.url);
    http::Response response;
    if (it == answers_.end()) {
      response.status = 404;
    } else {
      response = it->second[std::min<std::size_t>(count - 1, it->second.size() - 1)];
    }
    return response;
  }
  int Requests(const std::string& url) {
    std::lock_guard lock(mutex_);
    return requests_[url];
  }
  // The capacity of the memory the last request for `url` came with for its body.
  std::size_t MemoryGiven(const std::string& url) {
    std::lock_guard lock(mutex_);
    return memory_[url];
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<http::Response>> answers_;
  std::map<std::string, int> requests_;
  std::map<std::string, std::size_t> memory_;
};

class StorageTransport : public http::Transport {
 public:
  explicit StorageTransport(Storage& storage) : storage_(storage) {}
  // Like libcurl's transport, fills the memory a request comes with.
  Result<http::Response> Send(const http::Request& request) override {
    auto response = storage_.Get(request);
    if (response.ok() && request.body_memory != nullptr) {
      std::string body = std::move(*request.body_memory);
      body.assign(response->body);
      response->body = std::move(body);
    }
    return response;
  }

 private:
  Storage& storage_;
};

// Wall time fixed at 2026-12-02 12:00:00 UTC; sleeps only count. Thread-safe.
class StillClock : public http::Clock {
 public:
  std::chrono::steady_clock::time_point Now() override {
    std::lock_guard lock(mutex_);
    return std::chrono::steady_clock::time_point() + slept_;
  }
  std::chrono::system_clock::time_point WallNow() override {
    namespace chrono = std::chrono;
    return chrono::sys_days(chrono::year(2026) / chrono::December / 2) + chrono::hours(12);
  }
  void SleepFor(std::chrono::milliseconds duration) override {
    std::lock_guard lock(mutex_);
    slept_ += duration;
  }
  int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(WallNow().time_since_epoch())
        .count();
  }

 private:
  std::mutex mutex_;
  std::chrono::milliseconds slept_{0};
};

http::Response Ok(std::string body) {
  http::Response response;
  response.status = 200;
  response.body = std::move(body);
  return response;
}

http::Response Reply(int status, std::string body = "") {
  http::Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

struct Fixture {
  Storage storage;
  StillClock clock;
  std::atomic<int> transports{0};

  CloudFetchDownloads Make(int parallelism = 3) {
    CloudFetchOptions options;
    options.connection_name = "warehouse";
    options.parallelism = parallelism;
    options.lz4 = true;
    options.retry.retry_statuses = {503};
    options.retry.retry_connection_errors = true;
    options.retry.budget = std::chrono::seconds(30);
    return CloudFetchDownloads(
        options,
        [this]() -> Result<std::unique_ptr<http::Transport>> {
          ++transports;
          return std::unique_ptr<http::Transport>(new StorageTransport(storage));
        },
        clock);
  }

  // `count` files of `rows` rows each, one after the other, served and linked.
  std::vector<ResultLink> ServeFiles(int count, int64_t rows) {
    std::vector<ResultLink> links;
    for (int i = 0; i < count; ++i) {
      links.push_back(Link(i, i * rows, rows));
      storage.Serve(links.back().url, {Ok(ResultFile(i * rows, rows))});
    }
    return links;
  }

  ResultLink Link(int index, int64_t start, int64_t rows, int64_t expires_in_ms = 900000) {
    ResultLink link;
    link.url = "https://storage.test/results/file-" + std::to_string(index) + "?" + kSignature;
    link.start_row = start;
    link.row_count = rows;
    link.expires_ms = clock.NowMs() + expires_in_ms;
    return link;
  }
};

int64_t FirstId(const DownloadedFile& file) {
  auto batch = file.batches->Next();
  EXPECT_TRUE(batch.ok() && *batch) << batch.status().ToString();
  if (!batch.ok() || !*batch) return -1;
  return static_cast<const arrow::Int64Array&>(*(*batch)->column(0)).Value(0);
}

TEST(CloudFetchTest, AFileMustStartWhereTheRowsReadBeforeItEnd) {
  ResultLink link;
  link.start_row = 1000;
  link.row_count = 500;
  EXPECT_TRUE(CheckFileFollows(link, 1000, "dbx").ok());
  for (int64_t read : {0, 999, 1001, 1500}) {  // a gap, or an overlap
    Status refused = CheckFileFollows(link, read, "dbx");
    EXPECT_NE(refused.message().find("the result file of rows 1000 to 1499 does not follow the " +
                                     std::to_string(read) + " rows read before it"),
              std::string::npos)
        << refused.message();
  }
  link.row_count = -1;
  EXPECT_FALSE(CheckFileFollows(link, 1000, "dbx").ok());
}

TEST(CloudFetchTest, HandsFilesOverInRowOrderWhateverOrderTheyArriveIn) {
  Fixture f;
  std::vector<ResultLink> links = f.ServeFiles(8, 100);
  auto downloads = f.Make(3);
  downloads.Add(links);
  for (int i = 0; i < 8; ++i) {
    ASSERT_EQ(downloads.Waiting(), static_cast<std::size_t>(8 - i));
    auto file = downloads.Next();
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    EXPECT_FALSE(file->expired);
    EXPECT_EQ(FirstId(*file), i * 100);
    EXPECT_EQ(f.storage.Requests(links[i].url), 1);
  }
  EXPECT_EQ(downloads.Waiting(), 0u);
  EXPECT_LE(f.transports.load(), 3);  // one transport per worker, no more workers than asked
}

TEST(CloudFetchTest, TheMemoryOfFilesReadIsReusedForTheNextDownloads) {
  Fixture f;
  std::vector<ResultLink> links = f.ServeFiles(6, 100);
  // One download at a time, each file read and dropped before the next is asked for:
  // no more than two memories are ever needed, one being read, one being downloaded
  // into, so at most two downloads come without one (which, as the threads go).
  auto downloads = f.Make(1);
  downloads.Add(links);
  for (int i = 0; i < 6; ++i) {
    auto file = downloads.Next();
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    EXPECT_EQ(FirstId(*file), i * 100);
    while (true) {
      auto batch = file->batches->Next();
      ASSERT_TRUE(batch.ok()) << batch.status().ToString();
      if (!*batch) break;
    }
  }
  const std::size_t none = std::string().capacity();
  EXPECT_EQ(f.storage.MemoryGiven(links[0].url), none);
  int without = 0;
  for (const auto& link : links) without += f.storage.MemoryGiven(link.url) == none ? 1 : 0;
  EXPECT_LE(without, 2);
}

TEST(CloudFetchTest, AnExpiredLinkIsReportedNotDownloaded) {
  Fixture f;
  auto fresh = f.Link(0, 0, 10);
  auto stale = f.Link(1, 10, 10, /*expires_in_ms=*/2000);  // inside the 5 s margin
  f.storage.Serve(fresh.url, {Ok(ResultFile(0, 10))});
  f.storage.Serve(stale.url, {Ok(ResultFile(10, 10))});
  auto downloads = f.Make();
  downloads.Add({fresh, stale});
  ASSERT_FALSE(downloads.Next()->expired);
  auto second = downloads.Next();
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->expired);
  EXPECT_EQ(second->link.start_row, 10);
  EXPECT_EQ(f.storage.Requests(stale.url), 0);
}

TEST(CloudFetchTest, StorageThatCallsTheLinkExpiredIsAnExpiredLink) {
  Fixture f;
  auto link = f.Link(0, 0, 10);
  f.storage.Serve(link.url, {Reply(403,
                                   "<Error><Code>AccessDenied</Code><Message>Request has expired"
                                   "</Message></Error>")});
  auto downloads = f.Make();
  downloads.Add({link});
  auto file = downloads.Next();
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(file->expired);
}

TEST(CloudFetchTest, FailuresAreRetriedThenReportedWithoutTheSignature) {
  Fixture f;
  auto flaky = f.Link(0, 0, 10);
  f.storage.Serve(flaky.url, {Reply(503), Reply(503), Ok(ResultFile(0, 10))});
  auto downloads = f.Make();
  downloads.Add({flaky});
  auto file = downloads.Next();
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(f.storage.Requests(flaky.url), 3);

  auto broken = f.Link(1, 10, 10);
  f.storage.Serve(broken.url, {Reply(503)});
  downloads.Add({broken});
  auto failed = downloads.Next();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("rows 10 to 19"), std::string::npos);
  EXPECT_NE(failed.status().message().find("503"), std::string::npos);
  EXPECT_EQ(failed.status().message().find(kSignature), std::string::npos);

  auto refused = f.Link(2, 20, 10);
  f.storage.Serve(refused.url, {Reply(403, "<Error><Message>Access Denied</Message></Error>")});
  downloads.Add({refused});
  auto denied = downloads.Next();
  ASSERT_FALSE(denied.ok());
  EXPECT_NE(denied.status().message().find("HTTP 403 (Access Denied)"), std::string::npos);
  EXPECT_EQ(denied.status().message().find(kSignature), std::string::npos);
}

TEST(CloudFetchTest, AFileWithOtherRowsThanAnnouncedIsAnError) {
  Fixture f;
  auto link = f.Link(0, 0, 10);
  f.storage.Serve(link.url, {Ok(ResultFile(0, 7))});
  auto downloads = f.Make();
  downloads.Add({link});
  // Read a batch at a time, the file is found short at its end.
  auto file = downloads.Next();
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto batch = file->batches->Next();
  ASSERT_TRUE(batch.ok() && *batch);
  auto end = file->batches->Next();
  ASSERT_FALSE(end.ok());
  EXPECT_NE(end.status().message().find("holds 7 rows where the server announced 10"),
            std::string::npos);
}

TEST(CloudFetchTest, ClearDropsQueuedFilesAndNewLinksFollow) {
  Fixture f;
  std::vector<ResultLink> links = f.ServeFiles(4, 10);
  auto downloads = f.Make(2);
  downloads.Add(links);
  ASSERT_EQ(FirstId(*downloads.Next()), 0);
  downloads.Clear();
  EXPECT_EQ(downloads.Waiting(), 0u);
  downloads.Add({links[2], links[3]});
  EXPECT_EQ(FirstId(*downloads.Next()), 20);
  EXPECT_EQ(FirstId(*downloads.Next()), 30);
}

}  // namespace
}  // namespace mortar::databricks
