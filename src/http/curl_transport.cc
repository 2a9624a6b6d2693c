// The libcurl transport behind MakeCurlTransport.
#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "mortar/http/transport.h"
#include "mortar/http/url.h"

namespace mortar::http {

namespace {

constexpr long kConnectTimeoutMs = 30'000;
constexpr long kKeepAliveIdleSeconds = 60;
constexpr long kKeepAliveIntervalSeconds = 30;
// The receive buffer (libcurl's default is 16 KiB): result files of tens of MiB arrive
// in fewer reads and body callbacks.
constexpr long kReceiveBufferBytes = 512 * 1024;

struct EasyHandleDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct FileDeleter {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileDeleter>;
struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyHandleDeleter>;
using HeaderList = std::unique_ptr<curl_slist, HeaderListDeleter>;

// curl_global_init is not thread-safe in every libcurl build: run it once, first.
Status InitializeCurl() {
  static CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) {
    return Status::Internal(std::string("cannot initialise libcurl: ") + curl_easy_strerror(code));
  }
  curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  if ((info->features & CURL_VERSION_SSL) == 0) {
    return Status::Internal("this libcurl was built without TLS support; install libcurl4-openssl");
  }
  return Status::OK();
}

bool IsTokenCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

// Refuses what would let a header value smuggle another header or request.
Status CheckHeader(const Header& header) {
  if (header.name.empty() ||
      !std::all_of(header.name.begin(), header.name.end(), IsTokenCharacter)) {
    return Status::Invalid("invalid HTTP header name '" + header.name + "'");
  }
  if (header.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    // The value may be a credential: name the header only.
    return Status::Invalid("the value of HTTP header '" + header.name +
                           "' contains a line break or NUL character");
  }
  return Status::OK();
}

// Where a response body goes: the string, sized once from Content-Length when the
// first bytes come (growing a large download's string copied it over and over).
struct BodySink {
  std::string* body;
  CURL* handle;
  std::size_t limit = 0;
  bool too_large = false;
};

size_t AppendBody(char* data, size_t size, size_t count, void* user_data) {
  auto* sink = static_cast<BodySink*>(user_data);
  try {
    if (sink->body->size() + size * count > sink->limit) {
      sink->too_large = true;
      return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
    if (sink->body->empty()) {
      curl_off_t length = -1;
      if (curl_easy_getinfo(sink->handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) ==
              CURLE_OK &&
          length > 0 && static_cast<std::size_t>(length) <= sink->limit) {
        sink->body->reserve(static_cast<std::size_t>(length));
      }
    }
    sink->body->append(data, size * count);
  } catch (const std::bad_alloc&) {
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  return size * count;
}

// Where a streamed request body comes from: the file, read as curl sends it.
size_t ReadBody(char* data, size_t size, size_t count, void* user_data) {
  auto* file = static_cast<std::FILE*>(user_data);
  size_t read = std::fread(data, 1, size * count, file);
  if (read == 0 && std::ferror(file)) return CURL_READFUNC_ABORT;
  return read;
}

size_t AppendHeader(char* data, size_t size, size_t count, void* user_data) {
  auto* headers = static_cast<std::vector<Header>*>(user_data);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  try {
    if (line.starts_with("HTTP/")) {
      headers->clear();  // a new response: after "100 Continue", or an interim one
    } else if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      if (!headers->empty()) headers->back().value += " " + std::string(line.substr(1));
    } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      headers->push_back({std::string(line.substr(0, colon)), std::string(value)});
    }
  } catch (const std::bad_alloc&) {
    return 0;
  }
  return size * count;
}

bool IsTlsError(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return true;
    default:
      return false;
  }
}

class CurlTransport final : public Transport {
 public:
  CurlTransport(EasyHandle handle, TlsOptions tls)
      : handle_(std::move(handle)), tls_(std::move(tls)) {}

  Result<Response> Send(const Request& request) override;

 private:
  // Sets an option unless an earlier one failed; Configure checks the outcome once.
  template <typename Value>
  void Set(CURLoption option, Value value) {
    if (setopt_error_ == CURLE_OK) setopt_error_ = curl_easy_setopt(handle_.get(), option, value);
  }
  // `body_file` is the open request.body_file (nullptr without one), of `body_size` bytes.
  Status Configure(const Request& request, const curl_slist* headers, std::FILE* body_file,
                   curl_off_t body_size, Response& response);
  Status ErrorFor(CURLcode code, const Request& request, const Url& url);

  EasyHandle handle_;
  TlsOptions tls_;
  BodySink body_{nullptr, nullptr};
  CURLcode setopt_error_ = CURLE_OK;
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

Status CurlTransport::Configure(const Request& request, const curl_slist* headers,
                                std::FILE* body_file, curl_off_t body_size, Response& response) {
  // Reset forgets the previous request's options but keeps the open connections,
  // the TLS session cache and the DNS cache.
  curl_easy_reset(handle_.get());
  setopt_error_ = CURLE_OK;
  error_buffer_[0] = '\0';
  Set(CURLOPT_ERRORBUFFER, error_buffer_);
  Set(CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  Set(CURLOPT_PROTOCOLS_STR, "http,https");
#else
  Set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  Set(CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS time-outs: we run in threads
  Set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  Set(CURLOPT_FOLLOWLOCATION, 0L);
  if (request.send_once) {
#if LIBCURL_VERSION_NUM >= 0x081000
    Set(CURLOPT_FORBID_RETRY_ON_REUSE, 1L);  // libcurl 8.16: no resend, reuse kept
#else
    Set(CURLOPT_FRESH_CONNECT, 1L);  // a new connection is never resent on
#endif
  }
  // Paths go as Mortar wrote them: an object key may hold "." or ".." segments (a name
  // from a listing), which curl would otherwise fold into another key, and which the
  // request's signature covers unfolded.
  Set(CURLOPT_PATH_AS_IS, 1L);
  Set(CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
  Set(CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  Set(CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
  Set(CURLOPT_TCP_KEEPALIVE, 1L);
  Set(CURLOPT_TCP_KEEPIDLE, kKeepAliveIdleSeconds);
  Set(CURLOPT_TCP_KEEPINTVL, kKeepAliveIntervalSeconds);
  Set(CURLOPT_SSL_VERIFYPEER, 1L);
  Set(CURLOPT_SSL_VERIFYHOST, 2L);
  if (!tls_.ca_file.empty()) {
    Set(CURLOPT_CAINFO, tls_.ca_file.c_str());
    // libcurl's own CA directory (OpenSSL reads both it and CAINFO).
    const char* system_path = curl_version_info(CURLVERSION_NOW)->capath;
    if (tls_.system_cas_too && system_path != nullptr) Set(CURLOPT_CAPATH, system_path);
  }
#ifdef MORTAR_VERSION
  Set(CURLOPT_USERAGENT, "mortar/" MORTAR_VERSION);
#endif
  Set(CURLOPT_HTTPHEADER, headers);
  Set(CURLOPT_WRITEFUNCTION, AppendBody);
  if (request.body_memory != nullptr) {
    response.body = std::move(*request.body_memory);
    response.body.clear();
  }
  body_ = BodySink{&response.body, handle_.get(), request.max_response_bytes, false};
  Set(CURLOPT_WRITEDATA, &body_);
  Set(CURLOPT_HEADERFUNCTION, AppendHeader);
  Set(CURLOPT_HEADERDATA, &response.headers);

  const std::string& method = request.method;
  if (method == "GET") {
    Set(CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    Set(CURLOPT_NOBODY, 1L);
  } else if (method == "DELETE" && request.body.empty()) {
    Set(CURLOPT_CUSTOMREQUEST, "DELETE");
  } else {
    // POST's body handling, under the request's own method name.
    Set(CURLOPT_POST, 1L);
    if (body_file != nullptr) {
      Set(CURLOPT_POSTFIELDSIZE_LARGE, body_size);
      Set(CURLOPT_READFUNCTION, ReadBody);
      Set(CURLOPT_READDATA, body_file);
    } else {
      Set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      Set(CURLOPT_POSTFIELDS, request.body.data());
    }
    if (method != "POST") Set(CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  if (setopt_error_ != CURLE_OK) {
    return Status::Internal(std::string("cannot configure libcurl: ") +
                            curl_easy_strerror(setopt_error_));
  }
  return Status::OK();
}

Status CurlTransport::ErrorFor(CURLcode code, const Request& request, const Url& url) {
  if (code == CURLE_WRITE_ERROR && body_.too_large) {
    return Status::Remote(
        request.method + " " + RedactUrl(request.url) + ": the response is larger than " +
        std::to_string(request.max_response_bytes) + " bytes; refused before it exhausts memory");
  }
  std::string reason = error_buffer_[0] != '\0' ? error_buffer_ : curl_easy_strerror(code);
  long os_error = 0;
  curl_easy_getinfo(handle_.get(), CURLINFO_OS_ERRNO, &os_error);
  // curl says "Couldn't connect to server"; the system says why ("Connection refused").
  if (os_error != 0) reason += " (" + std::string(std::strerror(static_cast<int>(os_error))) + ")";
  if (!url.query.empty()) {
    // libcurl does not echo the query today; make sure it never does through us.
    for (size_t at = reason.find(url.query); at != std::string::npos; at = reason.find(url.query)) {
      reason.replace(at, url.query.size(), "<redacted>");
    }
  }
  std::string target = request.method + " " + RedactUrl(request.url);
  std::string cannot_reach =
      "cannot reach " + url.Authority() + ": " + reason + "; check the host and port";
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return ConnectionError(cannot_reach);
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connected_after = 0;
      curl_easy_getinfo(handle_.get(), CURLINFO_CONNECT_TIME_T, &connected_after);
      if (connected_after == 0) return ConnectionError(cannot_reach);
      // Connected, then the server was slow: the host and port are fine.
      return ConnectionError(target + ": no complete response from " + url.Authority() +
                             " within the time-out of " + std::to_string(request.timeout.count()) +
                             " ms: " + reason);
    }
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return ConnectionError(target + ": the connection to " + url.Authority() +
                             " failed: " + reason);
    case CURLE_SSL_CACERT_BADFILE:
      return Status::Invalid("cannot use the CA file '" + tls_.ca_file + "': " + reason);
    case CURLE_WRITE_ERROR:
    case CURLE_OUT_OF_MEMORY:
      return Status::Internal(target + ": out of memory while reading the response");
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Status::Invalid(target + ": " + reason);
    default:
      break;
  }
  if (IsTlsError(code)) {
    return Status::Remote("TLS handshake with " + url.host + " failed: " + reason +
                          "; if the server uses a private CA, set the connection's CA file");
  }
  return Status::Remote(target + " failed: " + reason);
}

Result<Response> CurlTransport::Send(const Request& request) {
  MORTAR_ASSIGN_OR_RETURN(Url url, Url::Parse(request.url));
  const std::string& method = request.method;
  if (method != "GET" && method != "HEAD" && method != "POST" && method != "PUT" &&
      method != "PATCH" && method != "DELETE") {
    return Status::Invalid("unsupported HTTP method '" + method +
                           "'; expected GET, HEAD, POST, PUT, PATCH or DELETE");
  }
  if ((method == "GET" || method == "HEAD") && !request.body.empty()) {
    return Status::Invalid("a " + method + " request cannot have a body");
  }
  if (request.timeout.count() <= 0) {
    return Status::Invalid("the HTTP request time-out must be positive");
  }
  File body_file;
  curl_off_t body_size = 0;
  if (!request.body_file.empty()) {
    if (method != "PUT" && method != "POST" && method != "PATCH")
      return Status::Invalid("a " + method + " request cannot send a file");
    if (!request.body.empty()) return Status::Invalid("a request has a body or a file, not both");
    std::error_code error;
    auto size = std::filesystem::file_size(request.body_file, error);
    if (!error) body_file.reset(std::fopen(request.body_file.c_str(), "rb"));
    if (error || body_file == nullptr) {
      return Status::NotFound("cannot read " + request.body_file.string() + ": " +
                              (error ? error.message() : std::strerror(errno)));
    }
    body_size = static_cast<curl_off_t>(size);
  }
  HeaderList headers;
  auto add_header = [&headers](const std::string& line) {
    curl_slist* list = curl_slist_append(headers.get(), line.c_str());
    if (list == nullptr) return false;
    if (list != headers.get()) headers.reset(list);  // the first line starts the list
    return true;
  };
  for (const auto& header : request.headers) {
    MORTAR_RETURN_IF_ERROR(CheckHeader(header));
    // "Name:" would tell curl to drop the header; "Name;" sends it empty.
    std::string line = header.value.empty() ? header.name + ";" : header.name + ": " + header.value;
    if (!add_header(line)) return Status::Internal("out of memory building HTTP headers");
  }
  // No "Expect: 100-continue" round trip before large bodies.
  if (!add_header("Expect:")) return Status::Internal("out of memory building HTTP headers");
  // curl's POST handling would label any body as a form; a server that believes it
  // parses the form and loses the bytes (an S3 PUT stored empty). Say what it is.
  bool has_body = !request.body.empty() || body_file != nullptr;
  if (has_body && !request.Header("Content-Type") &&
      !add_header("Content-Type: application/octet-stream")) {
    return Status::Internal("out of memory building HTTP headers");
  }

  Response response;
  MORTAR_RETURN_IF_ERROR(Configure(request, headers.get(), body_file.get(), body_size, response));
  CURLcode code = curl_easy_perform(handle_.get());
  if (code != CURLE_OK) return ErrorFor(code, request, url);
  long status = 0;
  curl_easy_getinfo(handle_.get(), CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace

Result<std::unique_ptr<Transport>> MakeCurlTransport(const TlsOptions& tls) {
  MORTAR_RETURN_IF_ERROR(InitializeCurl());
  if (!tls.ca_file.empty() && ::access(tls.ca_file.c_str(), R_OK) != 0) {
    return Status::Invalid("cannot read the CA file '" + tls.ca_file +
                           "': " + std::strerror(errno));
  }
  EasyHandle handle(curl_easy_init());
  if (handle == nullptr) return Status::Internal("cannot create a libcurl handle");
  return std::unique_ptr<Transport>(std::make_unique<CurlTransport>(std::move(handle), tls));
}

}  // namespace mortar::http
