// The HTTP status a peer answered for a request that failed, and how many times the
// request was sent, for code that decides on them (a link that expired, a retry).
#pragma once

#include <string>

#include "mortar/core/status.h"

namespace mortar::http {

class HttpErrorDetail final : public StatusDetail {
 public:
  explicit HttpErrorDetail(int http_status, int attempts = 0)
      : http_status(http_status), attempts(attempts) {}

  std::string ToString() const override {
    std::string text = attempts > 0 ? "attempts=" + std::to_string(attempts) : "";
    if (http_status > 0)
      text += (text.empty() ? "" : ", ") + ("http_status=" + std::to_string(http_status));
    return text;
  }

  int http_status;  // 0: no answer came (the attempts failed to connect)
  int attempts;     // 0: sent once, without the retry loop
};

}  // namespace mortar::http
