// Integration tests of the libcurl transport against a real HTTPS server: Python's
// http.server behind a certificate from a throwaway CA, both made with the openssl CLI.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "mortar/http/retry.h"
#include "mortar/http/transport.h"

extern char** environ;

namespace mortar::http {
namespace {

namespace fs = std::filesystem;

// HTTP/1.1 with keep-alive. /flaky answers 503 with Retry-After: 1 the first time each
// query is seen; /slow answers after a second; everything else echoes the request.
constexpr char kServerScript[] = R"PY(
import http.server, json, ssl, sys, threading, time

directory = sys.argv[1]
seen = set()
vanished = {}
lock = threading.Lock()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        path, _, query = self.path.partition("?")
        if path == "/flaky":
            with lock:
                first = query not in seen
                seen.add(query)
            if first:
                return self.reply(503, '{"message": "warming up"}', [("Retry-After", "1")])
        if path == "/slow":
            time.sleep(1)
        if path == "/vanish":  # counted, then the connection closes without an answer
            with lock:
                vanished[query] = vanished.get(query, 0) + 1
            self.close_connection = True
            return
        if path == "/vanished":
            with lock:
                return self.reply(200, json.dumps({"count": vanished.get(query, 0)}))
        echo = {"method": self.command, "path": path, "query": query, "body": body,
                "client_port": self.client_address[1],
                "content_type": self.headers.get("Content-Type", ""),
                "expect": self.headers.get("Expect", "")}
        self.reply(200, json.dumps(echo), [("X-Echo-Method", self.command)])

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
server.handle_error = lambda request, address: None
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(directory + "/server.pem", directory + "/server.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
)PY";

constexpr char kMakeCertificates[] = R"SH(
set -e
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout ca.key -out ca.pem -days 2 -subj "/CN=Mortar Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout server.key -out server.csr -subj "/CN=localhost"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
  -extfile server.ext -out server.pem
)SH";

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The HTTPS server, shared by the suite: started once, killed at the end.
class HttpCurlTransportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::system("command -v openssl >/dev/null && command -v python3 >/dev/null") != 0) {
      skip_reason_ = new std::string("openssl and python3 are needed for the HTTPS server");
      return;
    }
    std::random_device random;
    directory_ =
        new fs::path(fs::temp_directory_path() / ("mortar-http-test-" + std::to_string(::getpid()) +
                                                  "-" + std::to_string(random())));
    fs::create_directories(*directory_);
    std::ofstream(*directory_ / "make_certificates.sh") << kMakeCertificates;
    std::ofstream(*directory_ / "server.py") << kServerScript;
    std::string command =
        "cd '" + directory_->string() + "' && sh make_certificates.sh >certificates.log 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << "openssl failed; see certificates.log";
    StartServer();
  }

  static void TearDownTestSuite() {
    if (server_pid_ > 0) {
      ::kill(server_pid_, SIGTERM);
      int status = 0;
      ::waitpid(server_pid_, &status, 0);
      server_pid_ = -1;
    }
    if (directory_ != nullptr) {
      std::error_code error;
      fs::remove_all(*directory_, error);
      delete directory_;
      directory_ = nullptr;
    }
    delete skip_reason_;
    skip_reason_ = nullptr;
  }

  void SetUp() override {
    if (skip_reason_ != nullptr) GTEST_SKIP() << *skip_reason_;
    ASSERT_GT(port_, 0) << "the HTTPS server did not start";
  }

  // Spawns the server and reads the port it bound, which also says it is listening.
  static void StartServer() {
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    std::string script = (*directory_ / "server.py").string();
    std::string directory = directory_->string();
    char* argv[] = {const_cast<char*>("python3"), const_cast<char*>(script.c_str()),
                    const_cast<char*>(directory.c_str()), nullptr};
    int spawned = ::posix_spawnp(&server_pid_, "python3", &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    ASSERT_EQ(spawned, 0) << "cannot start python3";

    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd poll_fd{pipe_fds[0], POLLIN, 0};
      if (::poll(&poll_fd, 1, 100) <= 0) continue;
      char buffer[64];
      ssize_t count = ::read(pipe_fds[0], buffer, sizeof(buffer));
      if (count <= 0) break;  // the server died; its stderr is in the test output
      line.append(buffer, static_cast<size_t>(count));
    }
    ::close(pipe_fds[0]);
    port_ = std::atoi(line.c_str());
  }

  static std::string BaseUrl() { return "https://127.0.0.1:" + std::to_string(port_); }
  static std::string CaFile() { return (*directory_ / "ca.pem").string(); }

  static std::unique_ptr<Transport> TrustingTransport() {
    auto transport = MakeCurlTransport({.ca_file = CaFile()});
    EXPECT_TRUE(transport.ok()) << transport.status().ToString();
    return transport.ok() ? std::move(transport).ValueUnsafe() : nullptr;
  }

  static inline fs::path* directory_ = nullptr;
  static inline std::string* skip_reason_ = nullptr;
  static inline pid_t server_pid_ = -1;
  static inline int port_ = 0;
};

TEST_F(HttpCurlTransportTest, RequestsRoundTripOverOneKeptAliveConnection) {
  auto transport = TrustingTransport();
  ASSERT_NE(transport, nullptr);

  Request get;
  get.method = "GET";
  get.url = BaseUrl() + "/echo?x=1";
  auto first = transport->Send(get);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->Header("x-echo-method"), "GET");
  auto first_echo = nlohmann::json::parse(first->body);
  EXPECT_EQ(first_echo["path"], "/echo");
  EXPECT_EQ(first_echo["query"], "x=1");

  // A key with dot segments is another key, not the folder above.
  Request dots;
  dots.method = "GET";
  dots.url = BaseUrl() + "/bucket/a/../b/./c";
  auto dotted = transport->Send(dots);
  ASSERT_TRUE(dotted.ok()) << dotted.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(dotted->body)["path"], "/bucket/a/../b/./c");

  Request post;
  post.url = BaseUrl() + "/echo";
  post.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                  {"Authorization", "Bearer secret"}};
  post.body = std::string(4096, 'a');  // large enough that curl would otherwise ask to continue
  auto second = transport->Send(post);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->status, 200);
  auto second_echo = nlohmann::json::parse(second->body);
  EXPECT_EQ(second_echo["method"], "POST");
  EXPECT_EQ(second_echo["body"], post.body);
  EXPECT_EQ(second_echo["content_type"], "application/x-www-form-urlencoded");
  EXPECT_EQ(second_echo["expect"], "");
  // The same client port: the connection was reused.
  EXPECT_EQ(second_echo["client_port"], first_echo["client_port"]);

  for (std::string method : {"PUT", "PATCH", "DELETE", "HEAD"}) {
    Request request;
    request.method = method;
    request.url = BaseUrl() + "/echo";
    if (method != "HEAD") request.body = "{}";
    auto response = transport->Send(request);
    ASSERT_TRUE(response.ok()) << method << ": " << response.status().ToString();
    EXPECT_EQ(response->status, 200) << method;
    EXPECT_EQ(response->Header("X-Echo-Method"), method);
    if (method == "HEAD") {
      EXPECT_EQ(response->body, "");
    } else {
      auto echo = nlohmann::json::parse(response->body);
      EXPECT_EQ(echo["body"], "{}") << method;
      // Not curl's form default: a server would parse the bytes away as a form.
      EXPECT_EQ(echo["content_type"], "application/octet-stream") << method;
    }
  }
}

// A request on a kept-alive connection that the server closes without answering:
// libcurl sends it again on a new connection, unless it is to be sent once.
TEST_F(HttpCurlTransportTest, ARequestToSendOnceIsNeverSentAgainByLibcurl) {
  auto transport = TrustingTransport();
  ASSERT_NE(transport, nullptr);
  auto times_received = [&](const std::string& query, bool send_once) {
    Request open;  // a connection to reuse
    open.method = "GET";
    open.url = BaseUrl() + "/echo";
    EXPECT_TRUE(transport->Send(open).ok());
    Request post;
    post.url = BaseUrl() + "/vanish?" + query;
    post.body = "INSERT INTO t VALUES (1)";
    post.send_once = send_once;
    EXPECT_FALSE(transport->Send(post).ok());
    Request count;
    count.method = "GET";
    count.url = BaseUrl() + "/vanished?" + query;
    auto counted = transport->Send(count);
    EXPECT_TRUE(counted.ok()) << counted.status().ToString();
    return counted.ok() ? nlohmann::json::parse(counted->body)["count"].get<int>() : -1;
  };
  EXPECT_EQ(times_received("read", false), 2);  // what libcurl does by itself
  EXPECT_EQ(times_received("write", true), 1);
}

TEST_F(HttpCurlTransportTest, TheResponseBodyFillsTheMemoryItIsGiven) {
  auto transport = TrustingTransport();
  ASSERT_NE(transport, nullptr);
  std::string memory = "left over from an earlier body";
  memory.reserve(1 << 20);
  const char* pages = memory.data();
  Request get;
  get.method = "GET";
  get.url = BaseUrl() + "/echo?reused=1";
  get.body_memory = &memory;
  auto response = transport->Send(get);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(response->body)["query"], "reused=1");
  EXPECT_EQ(response->body.data(), pages);
  EXPECT_GE(response->body.capacity(), std::size_t{1} << 20);
}

TEST_F(HttpCurlTransportTest, AFileBodyIsSentAsItIsRead) {
  auto transport = TrustingTransport();
  ASSERT_NE(transport, nullptr);
  fs::path file = *directory_ / "upload.bin";
  std::string content;
  for (int i = 0; content.size() < 300'000; ++i) content += std::to_string(i) + ",";
  std::ofstream(file, std::ios::binary) << content;

  Request put;
  put.method = "PUT";
  put.url = BaseUrl() + "/echo";
  put.body_file = file;
  auto response = transport->Send(put);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  auto echo = nlohmann::json::parse(response->body);
  EXPECT_EQ(echo["method"], "PUT");
  EXPECT_EQ(echo["body"], content);
  EXPECT_EQ(echo["content_type"], "application/octet-stream");

  // The next request on the reused handle sends its own body, not the file.
  Request post;
  post.url = BaseUrl() + "/echo";
  post.body = "small";
  auto after = transport->Send(post);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(after->body)["body"], "small");

  Request missing = put;
  missing.body_file = *directory_ / "no-such-file";
  auto refused = transport->Send(missing);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(Contains(refused.status().message(), "no-such-file"));

  Request both = put;
  both.body = "x";
  EXPECT_EQ(transport->Send(both).status().code(), ErrorCode::kInvalidInput);
  Request get_file = put;
  get_file.method = "GET";
  EXPECT_EQ(transport->Send(get_file).status().code(), ErrorCode::kInvalidInput);
}

TEST_F(HttpCurlTransportTest, AResponseLargerThanTheLimitIsCutOffClearly) {
  auto transport = TrustingTransport();
  ASSERT_NE(transport, nullptr);
  Request get;
  get.method = "GET";
  get.url = BaseUrl() + "/echo?" + std::string(4000, 'q');
  get.max_response_bytes = 1000;
  auto response = transport->Send(get);
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("larger than 1000 bytes"), std::string::npos)
      << response.status().ToString();
  // The same transport goes on working.
  get.max_response_bytes = Request{}.max_response_bytes;
  EXPECT_TRUE(transport->Send(get).ok());
}

TEST_F(HttpCurlTransportTest, UntrustedCertificateGivesTheTlsMessage) {
  auto transport = MakeCurlTransport({});  // the system's CAs do not know our test CA
  ASSERT_TRUE(transport.ok()) << transport.status().ToString();
  Request request;
  request.method = "GET";
  request.url = BaseUrl() + "/echo?sig=SECRET";
  auto response = (*transport)->Send(request);
  ASSERT_FALSE(response.ok());
  const std::string& message = response.status().message();
  EXPECT_EQ(response.status().code(), ErrorCode::kRemote);
  EXPECT_TRUE(message.starts_with("TLS handshake with 127.0.0.1 failed: ")) << message;
  EXPECT_TRUE(Contains(message, "if the server uses a private CA, set the connection's CA file"))
      << message;
  EXPECT_FALSE(Contains(message, "SECRET")) << message;
  EXPECT_FALSE(IsConnectionError(response.status()));
}

TEST_F(HttpCurlTransportTest, ClosedPortGivesTheCannotReachMessage) {
  // A bound socket that does not listen: connections to it are refused, and no other
  // process can take the port while the test runs.
  int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(socket_fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  std::string port = std::to_string(ntohs(address.sin_port));

  auto transport = TrustingTransport();
  ASSERT_NE(transport, nullptr);
  Request request;
  request.url = "https://127.0.0.1:" + port + "/api?sig=SECRET";
  request.headers = {{"Authorization", "Bearer dapiSECRET"}};
  auto response = transport->Send(request);
  ::close(socket_fd);
  ASSERT_FALSE(response.ok());
  const std::string& message = response.status().message();
  EXPECT_TRUE(message.starts_with("cannot reach 127.0.0.1:" + port + ": ")) << message;
  EXPECT_TRUE(message.ends_with("; check the host and port")) << message;
  EXPECT_FALSE(Contains(message, "SECRET")) << message;
  EXPECT_TRUE(IsConnectionError(response.status()));
}

TEST_F(HttpCurlTransportTest, SlowResponseTimesOutWithItsOwnMessage) {
  auto transport = TrustingTransport();
  ASSERT_NE(transport, nullptr);
  Request request;
  request.method = "GET";
  request.url = BaseUrl() + "/slow";
  request.timeout = std::chrono::milliseconds(300);
  auto response = transport->Send(request);
  ASSERT_FALSE(response.ok());
  const std::string& message = response.status().message();
  EXPECT_TRUE(Contains(message, "no complete response from 127.0.0.1:" + std::to_string(port_) +
                                    " within the time-out of 300 ms"))
      << message;
  EXPECT_TRUE(IsConnectionError(response.status()));

  // The transport is still usable afterwards.
  request.url = BaseUrl() + "/echo";
  request.timeout = std::chrono::seconds(5);
  auto next = transport->Send(request);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpCurlTransportTest, RetryAfterThenSuccessWithTheRealClock) {
  auto transport = TrustingTransport();
  ASSERT_NE(transport, nullptr);
  Request request;
  request.url = BaseUrl() + "/flaky?case=retry";
  request.body = "{}";
  auto start = std::chrono::steady_clock::now();
  auto response = SendWithRetry(*transport, request, RetryPolicy{}, SystemClock());
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_GE(elapsed, std::chrono::milliseconds(950));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(HttpCurlTransportUsageTest, BadRequestsAreRefusedBeforeSending) {
  auto transport = MakeCurlTransport({});
  ASSERT_TRUE(transport.ok()) << transport.status().ToString();
  Request injected;
  injected.url = "https://127.0.0.1:9/";
  injected.headers = {{"Authorization", "Bearer dapiSECRET\r\nX-Evil: 1"}};
  auto response = (*transport)->Send(injected);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(Contains(response.status().message(), "'Authorization'"));
  EXPECT_FALSE(Contains(response.status().message(), "dapiSECRET"));

  Request bad_method;
  bad_method.method = "TRACE";
  bad_method.url = "https://127.0.0.1:9/";
  EXPECT_EQ((*transport)->Send(bad_method).status().code(), ErrorCode::kInvalidInput);

  Request bad_url;
  bad_url.url = "ftp://127.0.0.1/";
  EXPECT_EQ((*transport)->Send(bad_url).status().code(), ErrorCode::kInvalidInput);

  Request get_with_body;
  get_with_body.method = "GET";
  get_with_body.url = "https://127.0.0.1:9/";
  get_with_body.body = "x";
  EXPECT_EQ((*transport)->Send(get_with_body).status().code(), ErrorCode::kInvalidInput);

  auto missing_ca = MakeCurlTransport({.ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(missing_ca.ok());
  EXPECT_EQ(missing_ca.status().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(
      Contains(missing_ca.status().message(), "cannot read the CA file '/nonexistent/ca.pem'"));
}

}  // namespace
}  // namespace mortar::http
