#include "mortar/http/retry.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "mortar/http/http_error_detail.h"
#include "mortar/http/url.h"

namespace mortar::http {

namespace {

using std::chrono::milliseconds;

// Longer waits are treated as "longer than any budget" without overflowing.
constexpr long long kMaxRetryAfterSeconds = 10'000'000;
constexpr size_t kMaxServerMessage = 400;
constexpr std::string_view kRedacted = "<redacted>";

std::string_view Trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(start, end - start + 1);
}

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int ToInt(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

std::optional<unsigned> MonthNumber(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (name == kMonths[i]) return static_cast<unsigned>(i + 1);
  }
  return std::nullopt;
}

// "HH:MM:SS" as a duration since midnight.
std::optional<std::chrono::seconds> TimeOfDay(std::string_view text) {
  if (text.size() != 8 || text[2] != ':' || text[5] != ':') return std::nullopt;
  std::string_view hours = text.substr(0, 2), minutes = text.substr(3, 2),
                   seconds = text.substr(6, 2);
  if (!AllDigits(hours) || !AllDigits(minutes) || !AllDigits(seconds)) return std::nullopt;
  if (ToInt(hours) > 23 || ToInt(minutes) > 59 || ToInt(seconds) > 60) return std::nullopt;
  return std::chrono::hours(ToInt(hours)) + std::chrono::minutes(ToInt(minutes)) +
         std::chrono::seconds(ToInt(seconds));
}

// The three HTTP date forms of RFC 9110 section 5.6.7:
//   IMF-fixdate  "Sun, 06 Nov 1994 08:49:37 GMT"
//   RFC 850      "Sunday, 06-Nov-94 08:49:37 GMT"
//   asctime      "Sun Nov  6 08:49:37 1994"
std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ' ' || text[i] == ',' || text[i] == '-') {
      if (i > start) tokens.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  std::string_view day, month, year, time;
  if (tokens.size() == 5 && MonthNumber(tokens[1])) {
    month = tokens[1], day = tokens[2], time = tokens[3], year = tokens[4];
  } else if (tokens.size() == 6 && tokens[5] == "GMT") {
    day = tokens[1], month = tokens[2], year = tokens[3], time = tokens[4];
  } else {
    return std::nullopt;
  }
  auto month_number = MonthNumber(month);
  auto time_of_day = TimeOfDay(time);
  if (!month_number || !time_of_day || !AllDigits(day) || day.size() > 2 || !AllDigits(year) ||
      (year.size() != 2 && year.size() != 4)) {
    return std::nullopt;
  }
  int year_number = ToInt(year);
  if (year.size() == 2) year_number += year_number < 70 ? 2000 : 1900;
  std::chrono::year_month_day date{std::chrono::year(year_number),
                                   std::chrono::month(*month_number),
                                   std::chrono::day(static_cast<unsigned>(ToInt(day)))};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date) + *time_of_day;
}

bool IsSensitiveHeader(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  for (std::string_view marker : {"auth", "token", "secret", "key", "cookie", "signature"}) {
    if (lower.find(marker) != std::string::npos) return true;
  }
  return false;
}

void ReplaceAll(std::string& text, std::string_view secret) {
  if (secret.empty()) return;
  for (size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + kRedacted.size())) {
    text.replace(at, secret.size(), kRedacted);
  }
}

// Servers sometimes echo what they were sent; never pass a credential on.
std::string WithoutSecrets(std::string text, const Request& request) {
  for (const auto& header : request.headers) {
    if (!IsSensitiveHeader(header.name)) continue;
    ReplaceAll(text, header.value);
    // "Bearer <token>": the token alone may be echoed too.
    size_t space = header.value.find_last_of(' ');
    if (space != std::string::npos && header.value.size() - space > 8) {
      ReplaceAll(text, std::string_view(header.value).substr(space + 1));
    }
  }
  return text;
}

std::string OneLine(std::string_view text) {
  std::string line;
  bool space = false;
  for (char c : Trim(text)) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space) line += ' ';
    space = false;
    line += c;
  }
  if (line.size() > kMaxServerMessage) line = line.substr(0, kMaxServerMessage) + "...";
  return line;
}

// The error the server gave, from the JSON fields APIs use ({"error_code", "message"} for
// Databricks, {"error", "error_description"} for OAuth), else the body as text.
std::string ServerMessage(const Response& response) {
  std::string_view body = Trim(response.body);
  if (body.empty()) return "the response body was empty";
  if (body.front() == '{') {
    auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_object()) {
      auto text = [&](std::string_view key) -> std::string {
        auto field = json.find(key);
        return field != json.end() && field->is_string() ? field->get<std::string>() : "";
      };
      std::string code = text("error_code");
      std::string message = text("message");
      if (message.empty()) message = text("error_description");
      if (message.empty()) message = text("detail");
      if (code.empty()) code = text("error");
      if (!code.empty() && !message.empty()) return OneLine(code + ": " + message);
      if (!message.empty() || !code.empty()) return OneLine(message.empty() ? code : message);
    }
  }
  return OneLine(body);
}

std::string Describe(milliseconds duration) {
  if (duration < std::chrono::seconds(1)) return std::to_string(duration.count()) + " ms";
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  if (seconds < 120) return std::to_string(seconds) + " s";
  return std::to_string(seconds / 60) + " min" +
         (seconds % 60 == 0 ? "" : " " + std::to_string(seconds % 60) + " s");
}

std::string StatusLine(int status) {
  std::string line = "HTTP " + std::to_string(status);
  std::string_view reason = ReasonPhrase(status);
  if (!reason.empty()) line += " " + std::string(reason);
  return line;
}

}  // namespace

std::optional<milliseconds> ParseRetryAfter(std::string_view value,
                                            std::chrono::system_clock::time_point now) {
  value = Trim(value);
  if (AllDigits(value)) {
    long long seconds = 0;
    for (char c : value) {
      seconds = std::min(seconds * 10 + (c - '0'), kMaxRetryAfterSeconds);
    }
    return std::chrono::seconds(seconds);
  }
  auto date = ParseHttpDate(value);
  if (!date) return std::nullopt;
  if (*date <= now) return milliseconds(0);
  auto wait = std::chrono::duration_cast<milliseconds>(*date - now);
  return std::min<milliseconds>(wait, std::chrono::seconds(kMaxRetryAfterSeconds));
}

RetryPolicy ObjectStoreRetryPolicy(std::chrono::seconds budget) {
  RetryPolicy policy;
  policy.budget = budget;
  policy.retry_statuses = {429, 500, 503};
  policy.retry_connection_errors = true;
  return policy;
}

Result<Response> SendWithRetry(Transport& transport, const Request& request,
                               const RetryPolicy& policy, Clock& clock) {
  const auto start = clock.Now();
  milliseconds backoff = policy.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    Result<Response> result = transport.Send(request);
    milliseconds wait = backoff;
    bool server_asked = false;
    if (result.ok()) {
      const Response& response = *result;
      bool retryable = std::find(policy.retry_statuses.begin(), policy.retry_statuses.end(),
                                 response.status) != policy.retry_statuses.end();
      if (!retryable) return result;
      if (auto header = response.Header("Retry-After")) {
        if (auto asked = ParseRetryAfter(*header, clock.WallNow())) {
          wait = *asked;
          server_asked = true;
        }
      }
      if (response.status == 503 && policy.unavailable_needs_retry_after && !server_asked)
        return result;
    } else if (!policy.retry_connection_errors || !IsConnectionError(result.status())) {
      if (attempt == 1) return result;
      return result.status().WithContext("attempt " + std::to_string(attempt));
    }
    backoff = std::min(backoff * 2, policy.max_backoff);

    auto elapsed = std::chrono::duration_cast<milliseconds>(clock.Now() - start);
    if (elapsed + wait <= policy.budget) {
      clock.SleepFor(wait);
      continue;
    }

    std::string attempts = std::to_string(attempt) + (attempt == 1 ? " attempt" : " attempts");
    std::string why = server_asked ? "the server asked to wait " + Describe(wait) + ", beyond"
                                   : "waiting longer would exceed";
    std::string summary = "giving up after " + attempts + " in " + Describe(elapsed) + " (" + why +
                          " the retry budget of " + Describe(policy.budget) + "): ";
    std::string target = request.method + " " + RedactUrl(request.url);
    if (!result.ok()) {
      const auto* answered = result.status().detail<HttpErrorDetail>();
      return result.status()
          .WithContext(summary + target)
          .WithDetail(HttpErrorDetail(answered ? answered->http_status : 0, attempt));
    }
    const Response& response = *result;
    std::string message = summary + target + " last answered " + StatusLine(response.status) +
                          ": " + ServerMessage(response);
    return Status::Remote(WithoutSecrets(std::move(message), request))
        .WithDetail(HttpErrorDetail(response.status, attempt));
  }
}

}  // namespace mortar::http
