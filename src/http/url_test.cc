#include "mortar/http/url.h"

#include <gtest/gtest.h>

#include "mortar/http/message.h"

namespace mortar::http {
namespace {

TEST(HttpUrlTest, ParsesPartsAndDefaultPorts) {
  auto https = Url::Parse("https://Example.COM");
  ASSERT_TRUE(https.ok()) << https.status().ToString();
  EXPECT_EQ(https->scheme, "https");
  EXPECT_EQ(https->host, "example.com");
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->path, "/");
  EXPECT_EQ(https->query, "");
  EXPECT_EQ(https->Authority(), "example.com:443");

  auto http = Url::Parse("HTTP://h-1.example_net:8080/a/b?x=1&y=%20#fragment");
  ASSERT_TRUE(http.ok()) << http.status().ToString();
  EXPECT_EQ(http->scheme, "http");
  EXPECT_EQ(http->port, 8080);
  EXPECT_EQ(http->path, "/a/b");
  EXPECT_EQ(http->query, "x=1&y=%20");
  EXPECT_EQ(http->ToString(), "http://h-1.example_net:8080/a/b?x=1&y=%20");

  EXPECT_EQ(Url::Parse("http://h")->port, 80);
  EXPECT_EQ(Url::Parse("https://h?q")->path, "/");
  EXPECT_EQ(Url::Parse("https://h?q")->query, "q");

  auto ipv6 = Url::Parse("https://[::1]:8443/x");
  ASSERT_TRUE(ipv6.ok()) << ipv6.status().ToString();
  EXPECT_EQ(ipv6->host, "[::1]");
  EXPECT_EQ(ipv6->port, 8443);
}

TEST(HttpUrlTest, BadInputIsRefusedWithTheReason) {
  struct Case {
    std::string url;
    std::string expected;
  };
  for (const Case& bad : std::vector<Case>{
           {"", "empty"},
           {"example.com", "expected https:// or http://"},
           {"ftp://example.com", "scheme must be https or http"},
           {"https://", "host is missing"},
           {"https://:443/", "host is missing"},
           {"https://h:0", "port must be a number from 1 to 65535"},
           {"https://h:65536", "port must be a number from 1 to 65535"},
           {"https://h:80a", "port must be a number from 1 to 65535"},
           {"https://h:", "port must be a number from 1 to 65535"},
           {"https://h/a b", "must be percent-encoded"},
           {"https://h\xC3\xA9.com", "must be percent-encoded"},
           {"https://-bad-.com", "bad host name"},
           {"https://a..b", "bad host name"},
           {"https://a%2e.com", "not allowed"},
           {"https://[zz]", "bad IPv6 address"},
       }) {
    auto url = Url::Parse(bad.url);
    ASSERT_FALSE(url.ok()) << bad.url;
    EXPECT_EQ(url.status().code(), ErrorCode::kInvalidInput);
    EXPECT_NE(url.status().message().find(bad.expected), std::string::npos)
        << bad.url << " -> " << url.status().message();
  }
}

TEST(HttpUrlTest, CredentialsInTheUrlAreRefusedWithoutEchoingThem) {
  auto url = Url::Parse("https://token:dapi0123456789@example.com/?sig=SECRET");
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.status().message().find("credentials"), std::string::npos);
  EXPECT_EQ(url.status().message().find("dapi0123456789"), std::string::npos);
  EXPECT_EQ(url.status().message().find("SECRET"), std::string::npos);
}

TEST(HttpUrlTest, ParseHostAcceptsWhatUsersType) {
  auto bare = Url::ParseHost("adb-123.4.azuredatabricks.net");
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_EQ(bare->scheme, "https");
  EXPECT_EQ(bare->Authority(), "adb-123.4.azuredatabricks.net:443");
  EXPECT_EQ(Url::ParseHost("localhost:8443")->port, 8443);
  EXPECT_EQ(Url::ParseHost("https://example.com/")->host, "example.com");
  EXPECT_EQ(Url::ParseHost("http://example.com")->port, 80);

  for (std::string_view bad : {"example.com/sql", "https://example.com/sql", "example.com?x",
                               "https://example.com/?x", "", "exa mple.com", "host:http"}) {
    auto url = Url::ParseHost(bad);
    EXPECT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().code(), ErrorCode::kInvalidInput) << bad;
  }
}

TEST(HttpUrlTest, RedactUrlDropsQueryFragmentAndUserInfo) {
  EXPECT_EQ(RedactUrl("https://acct.blob.core.windows.net/c/f.csv?sv=2024&sig=abc%3D"),
            "https://acct.blob.core.windows.net/c/f.csv");
  EXPECT_EQ(RedactUrl("https://h/p#frag"), "https://h/p");
  EXPECT_EQ(RedactUrl("https://user:password@h:443/p?x"), "https://h:443/p");
  EXPECT_EQ(RedactUrl("https://h/a@b"), "https://h/a@b");
  EXPECT_EQ(RedactUrl("https://h/p"), "https://h/p");
  EXPECT_EQ(RedactUrl("not a url?secret"), "not a url");
  EXPECT_EQ(RedactUrl(""), "");
}

TEST(HttpUrlTest, UrlEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UrlEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(UrlEncode("a b&c=d/e+f?\xC3\xA9"), "a%20b%26c%3Dd%2Fe%2Bf%3F%C3%A9");
  EXPECT_EQ(UrlEncodePath("a b/c&d/"), "a%20b/c%26d/");
  EXPECT_EQ(UrlEncodePath(""), "");
  EXPECT_EQ(UrlEncode(std::string("\0\n", 2)), "%00%0A");
  EXPECT_EQ(UrlEncode(""), "");
  EXPECT_EQ(FormEncode({{"grant_type", "client_credentials"}, {"scope", "all-apis offline"}}),
            "grant_type=client_credentials&scope=all-apis%20offline");
  EXPECT_EQ(FormEncode({}), "");
}

TEST(HttpResponseTest, HeaderLookupIgnoresCase) {
  Response response;
  response.headers = {{"Content-Type", "application/json"},
                      {"retry-after", "5"},
                      {"X-Twice", "first"},
                      {"x-twice", "second"}};
  EXPECT_EQ(response.Header("content-type"), "application/json");
  EXPECT_EQ(response.Header("Retry-After"), "5");
  EXPECT_EQ(response.Header("X-TWICE"), "first");
  EXPECT_EQ(response.Header("Missing"), std::nullopt);
  EXPECT_EQ(ReasonPhrase(503), "Service Unavailable");
  EXPECT_EQ(ReasonPhrase(299), "");
}

}  // namespace
}  // namespace mortar::http
