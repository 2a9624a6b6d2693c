#include "server/body_reply.h"

#include <zlib.h>

#include <limits>
#include <memory>

namespace mortar::server {

namespace {

constexpr std::size_t kSmallestCompressed = 1024;

// Serves `bytes` through a provider of known length, which cpp-httplib sends as it is.
void SendAsIs(httplib::Response& response, std::shared_ptr<const std::string> bytes,
              const std::string& content_type) {
  response.set_content_provider(
      bytes->size(), content_type,
      [bytes](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        return sink.write(bytes->data() + offset, length);
      });
}

}  // namespace

bool AcceptsGzip(const httplib::Request& request) {
  // Browsers and curl send "gzip" plainly; a "gzip;q=0" refusal is not worth parsing for.
  std::string accepted = request.get_header_value("Accept-Encoding");
  return accepted.find("gzip") != std::string::npos &&
         accepted.find("gzip;q=0") == std::string::npos;
}

std::string Gzip(std::string_view data) {
  if (data.size() > std::numeric_limits<uInt>::max()) return {};  // zlib counts in uInt
  z_stream stream{};
  // 15 window bits, +16 for the gzip header and trailer.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    return {};
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return result == Z_STREAM_END ? out : std::string();
}

void ReplyBody(const httplib::Request& request, httplib::Response& response, std::string body,
               const std::string& content_type) {
  response.set_header("Vary", "Accept-Encoding");
  if (body.size() >= kSmallestCompressed && AcceptsGzip(request)) {
    std::string gzipped = Gzip(body);
    if (!gzipped.empty()) {
      response.set_header("Content-Encoding", "gzip");
      return SendAsIs(response, std::make_shared<const std::string>(std::move(gzipped)),
                      content_type);
    }
  }
  SendAsIs(response, std::make_shared<const std::string>(std::move(body)), content_type);
}

StaticBody::StaticBody(std::string_view body, std::string content_type)
    : body_(body), gzipped_(Gzip(body)), content_type_(std::move(content_type)) {}

void StaticBody::Reply(const httplib::Request& request, httplib::Response& response) const {
  response.set_header("Vary", "Accept-Encoding");
  bool gzip = !gzipped_.empty() && AcceptsGzip(request);
  if (gzip) response.set_header("Content-Encoding", "gzip");
  std::string_view bytes = gzip ? std::string_view(gzipped_) : body_;
  response.set_content_provider(
      bytes.size(), content_type_,
      [bytes](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        return sink.write(bytes.data() + offset, length);
      });
}

}  // namespace mortar::server
