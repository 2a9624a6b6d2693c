#include "mortar/http/retry.h"

#include <gtest/gtest.h>

#include <deque>

#include "mortar/http/http_error_detail.h"

namespace mortar::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kSecret[] = "dapi0123456789abcdef";

// Answers from a script and records what it was sent.
class ScriptedTransport : public Transport {
 public:
  void Add(Result<Response> next) { script_.push_back(std::move(next)); }
  void AddMany(int count, const Result<Response>& next) {
    for (int i = 0; i < count; ++i) script_.push_back(next);
  }
  Result<Response> Send(const Request& request) override {
    sent_.push_back(request);
    if (script_.empty()) return Status::Internal("the test script has no more responses");
    Result<Response> next = std::move(script_.front());
    script_.pop_front();
    return next;
  }
  const std::vector<Request>& sent() const { return sent_; }

 private:
  std::deque<Result<Response>> script_;
  std::vector<Request> sent_;
};

// Time passes only when slept; the wall clock starts at 2026-11-24 14:00:00 UTC.
class FakeClock : public Clock {
 public:
  std::chrono::steady_clock::time_point Now() override { return start_ + elapsed_; }
  std::chrono::system_clock::time_point WallNow() override {
    namespace chrono = std::chrono;
    return chrono::sys_days(chrono::year(2026) / chrono::November / 24) + chrono::hours(14) +
           elapsed_;
  }
  void SleepFor(milliseconds duration) override {
    sleeps_.push_back(duration);
    elapsed_ += duration;
  }
  const std::vector<milliseconds>& sleeps() const { return sleeps_; }

 private:
  std::chrono::steady_clock::time_point start_;
  milliseconds elapsed_{0};
  std::vector<milliseconds> sleeps_;
};

Response Reply(int status, std::string body = "", std::vector<Header> headers = {}) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

Request MakeRequest() {
  Request request;
  request.url = "https://adb-1.azuredatabricks.net/api/2.0/sql/statements?sig=QUERYSECRET";
  request.headers = {{"Authorization", std::string("Bearer ") + kSecret},
                     {"Content-Type", "application/json"}};
  request.body = R"({"statement": "SELECT 1"})";
  return request;
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(HttpRetryTest, RetryAfterSecondsIsHonoured) {
  ScriptedTransport transport;
  transport.Add(Reply(503, "busy", {{"retry-after", "7"}}));
  transport.Add(Reply(200, "done"));
  FakeClock clock;
  auto response = SendWithRetry(transport, MakeRequest(), RetryPolicy{}, clock);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "done");
  EXPECT_EQ(clock.sleeps(), std::vector<milliseconds>{seconds(7)});
  ASSERT_EQ(transport.sent().size(), 2u);
  EXPECT_EQ(transport.sent()[1].body, MakeRequest().body);
}

TEST(HttpRetryTest, WhatMustNotRunTwiceIsRetriedOnlyWhenTheServerSaysItDidNotRun) {
  RetryPolicy once;
  once.unavailable_needs_retry_after = true;
  // A 503 without Retry-After may come after the server ran it: answered as it is.
  ScriptedTransport bare;
  bare.Add(Reply(503, "upstream"));
  FakeClock clock;
  auto response = SendWithRetry(bare, MakeRequest(), once, clock);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(bare.sent().size(), 1u);
  // With Retry-After, or throttled (429), the server did not run it: retried.
  ScriptedTransport asked;
  asked.Add(Reply(503, "", {{"Retry-After", "2"}}));
  asked.Add(Reply(429, ""));
  asked.Add(Reply(200, "done"));
  response = SendWithRetry(asked, MakeRequest(), once, clock);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(asked.sent().size(), 3u);
}

TEST(HttpRetryTest, RetryAfterHttpDateIsHonoured) {
  ScriptedTransport transport;
  transport.Add(Reply(429, "", {{"Retry-After", "Tue, 24 Nov 2026 14:00:30 GMT"}}));
  transport.Add(Reply(429, "", {{"Retry-After", "Tue, 24 Nov 2026 13:00:00 GMT"}}));  // past
  transport.Add(Reply(204));
  FakeClock clock;
  auto response = SendWithRetry(transport, MakeRequest(), RetryPolicy{}, clock);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(clock.sleeps(), (std::vector<milliseconds>{seconds(30), milliseconds(0)}));
}

TEST(HttpRetryTest, ParseRetryAfterAcceptsTheThreeDateFormsAndSeconds) {
  namespace chrono = std::chrono;
  auto now = chrono::sys_days(chrono::year(1994) / chrono::November / 6) + chrono::hours(8) +
             chrono::minutes(49);
  EXPECT_EQ(ParseRetryAfter("120", now), seconds(120));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), seconds(0));
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now), seconds(37));
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now), seconds(37));
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:37 1994", now), seconds(37));
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now), seconds(0));
  EXPECT_EQ(ParseRetryAfter("99999999999999999999999", now), seconds(10'000'000));
  for (std::string_view bad : {"", "soon", "-5", "1.5", "Sun, 31 Feb 1994 08:49:37 GMT",
                               "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 CET"}) {
    EXPECT_EQ(ParseRetryAfter(bad, now), std::nullopt) << bad;
  }
}

TEST(HttpRetryTest, UnparseableRetryAfterFallsBackToBackoff) {
  ScriptedTransport transport;
  transport.Add(Reply(503, "", {{"Retry-After", "later"}}));
  transport.Add(Reply(200));
  FakeClock clock;
  ASSERT_TRUE(SendWithRetry(transport, MakeRequest(), RetryPolicy{}, clock).ok());
  EXPECT_EQ(clock.sleeps(), std::vector<milliseconds>{seconds(1)});
}

TEST(HttpRetryTest, BackoffDoublesFromOneSecondAndIsCapped) {
  ScriptedTransport transport;
  transport.AddMany(7, Reply(503));
  transport.Add(Reply(200));
  FakeClock clock;
  RetryPolicy policy;
  policy.max_backoff = seconds(8);
  auto response = SendWithRetry(transport, MakeRequest(), policy, clock);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(clock.sleeps(),
            (std::vector<milliseconds>{seconds(1), seconds(2), seconds(4), seconds(8), seconds(8),
                                       seconds(8), seconds(8)}));
  EXPECT_EQ(transport.sent().size(), 8u);
}

TEST(HttpRetryTest, ExhaustedBudgetNamesAttemptsStatusAndServerMessage) {
  ScriptedTransport transport;
  transport.AddMany(
      10,
      Reply(503, R"({"error_code": "TEMPORARILY_UNAVAILABLE", "message": "The service is busy"})"));
  FakeClock clock;
  RetryPolicy policy;
  policy.budget = seconds(10);
  auto response = SendWithRetry(transport, MakeRequest(), policy, clock);
  ASSERT_FALSE(response.ok());
  // Waits of 1, 2 and 4 s fit in 10 s; the next (8 s) would not.
  EXPECT_EQ(clock.sleeps(), (std::vector<milliseconds>{seconds(1), seconds(2), seconds(4)}));
  const Status& status = response.status();
  EXPECT_EQ(status.code(), ErrorCode::kRemote);
  const std::string& message = status.message();
  EXPECT_TRUE(Contains(message, "after 4 attempts")) << message;
  EXPECT_TRUE(Contains(message, "HTTP 503 Service Unavailable")) << message;
  EXPECT_TRUE(Contains(message, "TEMPORARILY_UNAVAILABLE: The service is busy")) << message;
  EXPECT_TRUE(Contains(message, "retry budget of 10 s")) << message;
  EXPECT_TRUE(Contains(message, "POST https://adb-1.azuredatabricks.net/api/2.0/sql/statements"))
      << message;
  EXPECT_FALSE(Contains(message, "QUERYSECRET")) << message;
  ASSERT_NE(status.detail<HttpErrorDetail>(), nullptr);
  EXPECT_EQ(status.detail<HttpErrorDetail>()->http_status, 503);
  EXPECT_EQ(status.detail<HttpErrorDetail>()->attempts, 4);
}

TEST(HttpRetryTest, ExhaustedBudgetWithEmptyBodyStillExplains) {
  ScriptedTransport transport;
  transport.AddMany(3, Reply(429, "  \n"));
  FakeClock clock;
  RetryPolicy policy;
  policy.budget = seconds(2);
  auto response = SendWithRetry(transport, MakeRequest(), policy, clock);
  ASSERT_FALSE(response.ok());
  const std::string& message = response.status().message();
  EXPECT_TRUE(Contains(message, "after 2 attempts")) << message;
  EXPECT_TRUE(Contains(message, "HTTP 429 Too Many Requests: the response body was empty"))
      << message;
}

TEST(HttpRetryTest, RetryAfterBeyondTheBudgetGivesUpAtOnce) {
  ScriptedTransport transport;
  transport.Add(Reply(503, "maintenance until tomorrow", {{"Retry-After", "86400"}}));
  FakeClock clock;
  auto response = SendWithRetry(transport, MakeRequest(), RetryPolicy{}, clock);
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(clock.sleeps().empty());
  const std::string& message = response.status().message();
  EXPECT_TRUE(Contains(message, "after 1 attempt ")) << message;
  EXPECT_TRUE(Contains(message, "the server asked to wait 1440 min")) << message;
  EXPECT_TRUE(Contains(message, "maintenance until tomorrow")) << message;
}

TEST(HttpRetryTest, ClientErrorsAndOtherStatusesAreNotRetried) {
  for (int status : {400, 401, 403, 404, 501, 500, 502, 200, 302}) {
    ScriptedTransport transport;
    transport.Add(Reply(status, "no", {{"Retry-After", "1"}}));
    FakeClock clock;
    auto response = SendWithRetry(transport, MakeRequest(), RetryPolicy{}, clock);
    ASSERT_TRUE(response.ok()) << status;
    EXPECT_EQ(response->status, status);
    EXPECT_EQ(transport.sent().size(), 1u) << status;
    EXPECT_TRUE(clock.sleeps().empty()) << status;
  }
}

TEST(HttpRetryTest, ConnectionErrorsAreRetriedOnlyWhenEnabled) {
  Status refused =
      ConnectionError("cannot reach h:443: Connection refused; check the host and port");
  {
    ScriptedTransport transport;
    transport.Add(refused);
    FakeClock clock;
    auto response = SendWithRetry(transport, MakeRequest(), RetryPolicy{}, clock);
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.status().message(), refused.message());
    EXPECT_EQ(transport.sent().size(), 1u);
  }
  {
    ScriptedTransport transport;
    transport.Add(refused);
    transport.Add(refused);
    transport.Add(Reply(200));
    FakeClock clock;
    RetryPolicy policy;
    policy.retry_connection_errors = true;
    auto response = SendWithRetry(transport, MakeRequest(), policy, clock);
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(clock.sleeps(), (std::vector<milliseconds>{seconds(1), seconds(2)}));
  }
  {
    ScriptedTransport transport;
    transport.AddMany(5, refused);
    FakeClock clock;
    RetryPolicy policy;
    policy.retry_connection_errors = true;
    policy.budget = seconds(5);
    auto response = SendWithRetry(transport, MakeRequest(), policy, clock);
    ASSERT_FALSE(response.ok());
    EXPECT_TRUE(Contains(response.status().message(), "after 3 attempts"));
    EXPECT_TRUE(Contains(response.status().message(), "Connection refused"));
    EXPECT_TRUE(IsConnectionError(response.status()));
  }
  {
    // A TLS failure is not a connection error: retrying cannot fix a certificate.
    ScriptedTransport transport;
    transport.Add(Status::Remote("TLS handshake with h failed: certificate has expired"));
    FakeClock clock;
    RetryPolicy policy;
    policy.retry_connection_errors = true;
    EXPECT_FALSE(SendWithRetry(transport, MakeRequest(), policy, clock).ok());
    EXPECT_EQ(transport.sent().size(), 1u);
  }
}

TEST(HttpRetryTest, AuthorizationValueNeverAppearsInErrors) {
  // A server that echoes the credential it was sent.
  ScriptedTransport transport;
  transport.AddMany(2, Reply(429, std::string("throttled token Bearer ") + kSecret));
  transport.AddMany(2, Reply(503, std::string(R"({"message": "bad key )") + kSecret + "\"}"));
  FakeClock clock;
  RetryPolicy policy;
  policy.budget = seconds(2);
  for (int round = 0; round < 2; ++round) {
    auto response = SendWithRetry(transport, MakeRequest(), policy, clock);
    ASSERT_FALSE(response.ok());
    std::string text = response.status().ToString();
    EXPECT_FALSE(Contains(text, kSecret)) << text;
    EXPECT_TRUE(Contains(text, "<redacted>")) << text;
  }
}

}  // namespace
}  // namespace mortar::http
