#include "server/body_reply.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace mortar::server {
namespace {

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

// What a response made with a content provider would send.
std::string Sent(httplib::Response& response) {
  std::string sent;
  httplib::DataSink sink;
  sink.write = [&sent](const char* data, std::size_t size) {
    sent.append(data, size);
    return true;
  };
  EXPECT_TRUE(response.content_provider_(0, response.content_length_, sink));
  return sent;
}

TEST(BodyReplyTest, GzipRoundTrips) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "{\"name\": \"d" + std::to_string(i) + "\"},";
  std::string gzipped = Gzip(text);
  EXPECT_LT(gzipped.size(), text.size() / 4);
  EXPECT_EQ(Gunzip(gzipped), text);
}

TEST(BodyReplyTest, CompressesLargeBodiesOnlyForClientsThatAcceptGzip) {
  std::string large(4096, 'x');
  httplib::Request browser;
  browser.set_header("Accept-Encoding", "gzip, deflate, br, zstd");
  httplib::Response compressed;
  ReplyBody(browser, compressed, large, "application/json");
  EXPECT_EQ(compressed.get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(Gunzip(Sent(compressed)), large);

  httplib::Request plain;
  httplib::Response as_is;
  ReplyBody(plain, as_is, large, "application/json");
  EXPECT_FALSE(as_is.has_header("Content-Encoding"));
  EXPECT_EQ(Sent(as_is), large);

  httplib::Response small;
  ReplyBody(browser, small, "{}", "application/json");
  EXPECT_FALSE(small.has_header("Content-Encoding"));
  EXPECT_EQ(Sent(small), "{}");
  httplib::Request refuses;
  refuses.set_header("Accept-Encoding", "br, gzip;q=0");
  EXPECT_FALSE(AcceptsGzip(refuses));
}

TEST(BodyReplyTest, StaticBodiesAreCompressedOnceAndServedBothWays) {
  std::string script(20000, 'a');
  StaticBody body(script, "text/javascript");
  httplib::Request browser;
  browser.set_header("Accept-Encoding", "gzip");
  httplib::Response compressed;
  body.Reply(browser, compressed);
  EXPECT_EQ(compressed.get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(Gunzip(Sent(compressed)), script);
  httplib::Response as_is;
  body.Reply(httplib::Request(), as_is);
  EXPECT_EQ(Sent(as_is), script);
}

}  // namespace
}  // namespace mortar::server
