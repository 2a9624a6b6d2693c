// Response bodies sent as they are, or gzip-compressed when the request accepts it,
// never compressed by cpp-httplib itself: it compresses with brotli at the highest
// quality on every request, which took 0.5 s for the studio's 300 KB script and grows
// with every large JSON answer (bench/studio_flow.py).
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>

namespace mortar::server {

// Whether the request's Accept-Encoding allows gzip.
bool AcceptsGzip(const httplib::Request& request);

// The bytes in the gzip format (zlib, default level).
std::string Gzip(std::string_view data);

// Sends `body`: gzip-compressed (compressed here, Content-Encoding: gzip) when it is 1 KiB
// or more and the request accepts gzip, else as it is.
void ReplyBody(const httplib::Request& request, httplib::Response& response, std::string body,
               const std::string& content_type);

// A body that does not change while the server runs, compressed once.
class StaticBody {
 public:
  StaticBody(std::string_view body, std::string content_type);
  void Reply(const httplib::Request& request, httplib::Response& response) const;

 private:
  std::string_view body_;
  std::string gzipped_;
  std::string content_type_;
};

}  // namespace mortar::server
