// Retries of throttled and unavailable responses, as the official Databricks drivers
// do them: honour Retry-After, else capped exponential backoff, within a time budget.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "mortar/core/result.h"
#include "mortar/http/clock.h"
#include "mortar/http/message.h"
#include "mortar/http/transport.h"

namespace mortar::http {

// Plain value; thread-compatible.
struct RetryPolicy {
  std::vector<int> retry_statuses{429, 503};
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  std::chrono::milliseconds budget{std::chrono::minutes(15)};  // total time across attempts
  // Retry when no response arrived (refused, reset, timed out): only for requests
  // that are safe to repeat, such as GETs; never for ExecuteStatement.
  bool retry_connection_errors = false;
  // Retry a 503 only when it carries Retry-After, the server's word that it did not run
  // the request (a 503 without it may come from a proxy after the server ran it): for
  // requests that must never run twice, such as ExecuteStatement, FetchResults (it
  // moves a cursor) and OAuth token requests (codes and rotated refresh tokens are
  // single-use). 429 (throttled before running) is always retried.
  bool unavailable_needs_retry_after = false;
};

// For object stores (S3, Azure Blob), whose requests are all safe to repeat: throttling
// (429, 503), server errors (500) and lost connections are retried for up to `budget`
// (a connection's retry_seconds; a minute by default), long enough to ride out
// throttling or a restart, short enough that a server that is gone fails the write
// (and its clean-up) soon.
inline constexpr std::chrono::seconds kObjectStoreRetryBudget{60};
RetryPolicy ObjectStoreRetryPolicy(std::chrono::seconds budget = kObjectStoreRetryBudget);

// Sends the request, retrying the statuses in policy.retry_statuses after the wait the
// server asks for in Retry-After (delta-seconds or HTTP date), else after a backoff that
// starts at initial_backoff and doubles up to max_backoff. Gives up when the next wait
// would overrun the budget, with a Remote status naming the attempts made, the last HTTP
// status and the server's message (details: "http_status", "attempts"). Any other status,
// 400/401/403/404/501 included, is returned at once as a response. Thread-safe as long as
// each thread uses its own transport.
Result<Response> SendWithRetry(Transport& transport, const Request& request,
                               const RetryPolicy& policy, Clock& clock);

// The wait a Retry-After value asks for, or nullopt when it is neither delta-seconds nor
// an HTTP date. A date in the past asks for no wait.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

}  // namespace mortar::http
