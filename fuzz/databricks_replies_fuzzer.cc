// Mortar's Databricks driver against a hostile or broken warehouse: every Thrift reply
// after OpenSession comes from the input (ExecuteStatement with direct results,
// GetOperationStatus, GetResultSetMetadata, FetchResults with column sets, inline
// Arrow, LZ4 and CloudFetch links), and so does every CloudFetch file downloaded. The
// driver must read the rows or fail with a Status, whatever the bytes.
//
// Input: a first byte of choices, then parts (fuzz_input.h). Each Thrift reply part
// is the body of the method's result struct; the harness adds the message header
// that names the method called, as a real server would. Once the parts run out, the
// server is gone.
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "TCLIService.h"
#include "connectors/databricks/session.h"
#include "fuzz_input.h"
#include "mortar/auth/token_source.h"
#include "mortar/http/clock.h"
#include "mortar/http/transport.h"

namespace mortar::databricks {
namespace {

using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::protocol::TMessageType;
using apache::thrift::transport::TMemoryBuffer;

constexpr int32_t kProtocolVersions[] = {9, 0xA501, 0xA503, 0xA505, 0xA506, 0xA508};

// The replies still to give, shared by the warehouse and the CloudFetch storage.
class Script {
 public:
  explicit Script(std::vector<std::string> parts) : parts_(std::move(parts)) {}
  std::optional<std::string> Next() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (next_ >= parts_.size()) return std::nullopt;
    return parts_[next_++];
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> parts_;
  std::size_t next_ = 0;
};

std::string Serialize(const std::function<void(TBinaryProtocol&)>& write) {
  auto buffer = std::make_shared<TMemoryBuffer>();
  TBinaryProtocol protocol(buffer);
  write(protocol);
  return buffer->getBufferAsString();
}

class Warehouse final : public http::Transport {
 public:
  Warehouse(std::shared_ptr<Script> script, int32_t protocol_version)
      : script_(std::move(script)), protocol_version_(protocol_version) {}

  Result<http::Response> Send(const http::Request& request) override {
    auto buffer = std::make_shared<TMemoryBuffer>(
        reinterpret_cast<uint8_t*>(const_cast<char*>(request.body.data())),
        static_cast<uint32_t>(request.body.size()));
    TBinaryProtocol reading(buffer);
    std::string method;
    TMessageType type;
    int32_t sequence = 0;
    reading.readMessageBegin(method, type, sequence);
    std::string body;
    if (method == "OpenSession") {
      body = OpenSessionReply();
    } else if (method == "CloseSession" || method == "CloseOperation" ||
               method == "CancelOperation") {
      body = Serialize([](TBinaryProtocol& out) {  // an empty result struct
        out.writeStructBegin("result");
        out.writeFieldStop();
        out.writeStructEnd();
      });
    } else {
      auto part = script_->Next();
      if (!part) return Status::Remote("the fuzzed warehouse has no more replies");
      body = std::move(*part);
    }
    http::Response response;
    response.status = 200;
    response.headers.push_back({"Content-Type", "application/x-thrift"});
    response.body = Serialize([&](TBinaryProtocol& out) {
                      out.writeMessageBegin(method, apache::thrift::protocol::T_REPLY, sequence);
                    }) +
                    body;
    return response;
  }

 private:
  std::string OpenSessionReply() const {
    wire::TCLIService_OpenSession_result result;
    result.success.status.statusCode = 0;  // SUCCESS_STATUS
    result.success.__set_serverProtocolVersion(protocol_version_);
    result.success.sessionHandle.sessionId.guid = std::string(16, 'g');
    result.success.sessionHandle.sessionId.secret = std::string(16, 's');
    result.success.__isset.sessionHandle = true;
    result.__isset.success = true;
    return Serialize([&](TBinaryProtocol& out) { result.write(&out); });
  }

  std::shared_ptr<Script> script_;
  int32_t protocol_version_;
};

// CloudFetch storage: each GET gets the next part as the file.
class Storage final : public http::Transport {
 public:
  explicit Storage(std::shared_ptr<Script> script) : script_(std::move(script)) {}
  Result<http::Response> Send(const http::Request&) override {
    auto part = script_->Next();
    if (!part) return Status::Remote("the fuzzed storage has no more files");
    http::Response response;
    response.status = 200;
    response.body = std::move(*part);
    return response;
  }

 private:
  std::shared_ptr<Script> script_;
};

// Real time, no waiting: polls and back-offs cost nothing.
class NoWaitClock final : public http::Clock {
 public:
  std::chrono::steady_clock::time_point Now() override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point WallNow() override {
    return std::chrono::system_clock::now();
  }
  void SleepFor(std::chrono::milliseconds) override {}
};

void Drain(Result<std::unique_ptr<BatchReader>> reader) {
  if (!reader.ok()) return;
  while (true) {
    auto batch = (*reader)->Next();
    if (!batch.ok() || !*batch) return;
  }
}

}  // namespace
}  // namespace mortar::databricks

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace mortar::databricks;
  if (size == 0) return 0;
  const uint8_t choice = data[0];
  auto script = std::make_shared<Script>(mortar::fuzz::SplitParts(data + 1, size - 1));
  static NoWaitClock clock;
  SessionOptions options;
  options.connection_name = "fuzz";
  options.url = "https://fuzz.invalid/sql/1.0/warehouses/fuzz";
  options.retry.retry_statuses.clear();
  options.retry.budget = std::chrono::milliseconds(0);
  options.clock = &clock;
  options.cloudfetch_downloads = 1 + (choice >> 6);
  options.download_transport =
      [script]() -> mortar::Result<std::unique_ptr<mortar::http::Transport>> {
    return std::unique_ptr<mortar::http::Transport>(new Storage(script));
  };
  int32_t version = kProtocolVersions[(choice & 7) % std::size(kProtocolVersions)];
  auto session = Session::Open(options, std::make_unique<Warehouse>(script, version),
                               mortar::auth::MakeStaticTokenSource("fuzz", "a fuzz token"));
  if (!session.ok()) return 0;
  switch ((choice >> 3) & 7) {
    case 0:
      (void)(*session)->Execute("INSERT INTO t VALUES (1)");
      break;
    case 1:
      Drain((*session)->Catalogs());
      break;
    case 2:
      Drain((*session)->Tables("main", "default"));
      break;
    case 3:
      Drain((*session)->Columns("main", "default", "t"));
      break;
    default:
      Drain((*session)->Query("SELECT * FROM t"));
      break;
  }
  return 0;
}
