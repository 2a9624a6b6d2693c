// What a database said about a statement that failed, beyond its message: the
// SQLSTATE (42P01: no such table) and the server's error class
// (TABLE_OR_VIEW_NOT_FOUND), for code that tells one failure from another.
#pragma once

#include <string>
#include <utility>

#include "mortar/core/status.h"

namespace mortar {

class SqlErrorDetail final : public StatusDetail {
 public:
  explicit SqlErrorDetail(std::string sqlstate, std::string error_class = {})
      : sqlstate(std::move(sqlstate)), error_class(std::move(error_class)) {}

  std::string ToString() const override {
    std::string text = error_class.empty() ? "" : "error_class=" + error_class;
    if (!sqlstate.empty()) text += (text.empty() ? "" : ", ") + ("sqlstate=" + sqlstate);
    return text;
  }

  std::string sqlstate;     // empty when the server sent none
  std::string error_class;  // empty when the message named none
};

}  // namespace mortar
