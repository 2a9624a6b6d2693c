// The HTTP request and response that Mortar's transports exchange.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mortar::http {

struct Header {
  std::string name;
  std::string value;
};

// One HTTP request. Plain value; thread-compatible.
struct Request {
  std::string method = "POST";  // GET, HEAD, POST, PUT, PATCH or DELETE
  std::string url;              // https://host:port/path?query
  // May hold Authorization and other credentials: their values never appear in a
  // message, a log line or a Status that this module produces.
  std::vector<http::Header> headers;
  std::string body;
  // A file sent as the body instead, read as it goes out (large uploads stay out of
  // memory): PUT, POST or PATCH only, with `body` empty. Transports that cannot stream
  // refuse it.
  std::filesystem::path body_file;
  std::chrono::milliseconds timeout{std::chrono::minutes(15)};  // the whole exchange
  // True when the request must reach the server at most once (it runs a statement, or
  // moves a result's cursor): it goes on a new connection, because libcurl silently
  // sends a request again when a reused connection closes without an answer, and the
  // server may have acted on the first.
  bool send_once = false;
  // The largest response body accepted: a server that sends more is cut off with an
  // error instead of exhausting memory (real answers, CloudFetch files included, are
  // far smaller).
  std::size_t max_response_bytes = std::size_t{1} << 30;
  // Memory for the response body, or null: a string (its contents are dropped) whose
  // capacity the body reuses, so that repeated large downloads do not each have fresh
  // pages faulted in. Not owned; the first attempt takes it, later ones allocate.
  std::string* body_memory = nullptr;

  // The first header with this name, compared case-insensitively.
  std::optional<std::string> Header(std::string_view name) const;
};

// One HTTP response, whatever its status. Plain value; thread-compatible.
struct Response {
  int status = 0;
  std::vector<http::Header> headers;  // names as the server sent them
  std::string body;

  // The first header with this name, compared case-insensitively.
  std::optional<std::string> Header(std::string_view name) const;
};

// The inclusive byte span of a ranged GET of `length` (> 0) bytes at `offset`: "first-last",
// as a Range header's value takes it after "bytes=".
inline std::string ByteSpan(int64_t offset, int64_t length) {
  return std::to_string(offset) + "-" + std::to_string(offset + length - 1);
}

// The largest body to accept for a ranged GET of `length` bytes: the range, and room for
// an error's message. A server that ignores the range is cut off there, not after
// sending the whole object.
inline std::size_t RangeReplyLimit(int64_t length) {
  return static_cast<std::size_t>(length > 0 ? length : 0) + (std::size_t{64} << 10);
}

// The largest body to accept for a reply that carries no data, only control (a listing
// page, an upload's completion, a copy's result, an error): an object store's listing
// page of 1,000 keys is well under a megabyte.
inline constexpr std::size_t kMaxControlReplyBytes = std::size_t{16} << 20;

// The standard reason phrase ("Service Unavailable"), or "" for an unknown status.
std::string_view ReasonPhrase(int status);

}  // namespace mortar::http
