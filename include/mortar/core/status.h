// Status: the outcome of an operation that can fail. Errors are values at module
// boundaries; a Status costs one null pointer when OK. Immutable, thread-compatible.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mortar {

// One catalogue of error codes for the whole project. Each face (CLI exit code,
// HTTP status, Python exception) converts from it in exactly one place.
enum class ErrorCode {
  kOk = 0,
  kInvalidInput,      // the user's input or configuration is wrong
  kNotFound,          // a named thing does not exist
  kUnauthenticated,   // the caller of Mortar is not known: no, bad or expired credentials
  kPermissionDenied,  // the caller is known but may not do this
  kAuth,              // credentials a connection or the vault needs are missing or refused
  kConflict,          // the thing exists already or is in use
  kRemote,            // a remote peer failed; may be transient
  kCancelled,         // the user interrupted
  kInternal,          // a bug in Mortar
};

std::string_view ErrorCodeName(ErrorCode code);

// A typed detail of an error: what code decides on (the HTTP status a peer answered,
// a SQLSTATE, a connection that failed before anything was sent) and what a user
// reads after the message. Each module defines the details it adds, beside the code
// that adds them (http/http_error.h, core/sql_error.h...). Immutable once attached.
class StatusDetail {
 public:
  virtual ~StatusDetail() = default;
  // "http_status=503, attempts=4", shown by Status::ToString(); empty shows nothing.
  virtual std::string ToString() const = 0;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message);

  static Status OK() { return {}; }
  static Status Invalid(std::string message) {
    return {ErrorCode::kInvalidInput, std::move(message)};
  }
  static Status NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message)}; }
  static Status Unauthenticated(std::string message) {
    return {ErrorCode::kUnauthenticated, std::move(message)};
  }
  static Status PermissionDenied(std::string message) {
    return {ErrorCode::kPermissionDenied, std::move(message)};
  }
  static Status Auth(std::string message) { return {ErrorCode::kAuth, std::move(message)}; }
  static Status Conflict(std::string message) { return {ErrorCode::kConflict, std::move(message)}; }
  static Status Remote(std::string message) { return {ErrorCode::kRemote, std::move(message)}; }
  static Status Cancelled(std::string message) {
    return {ErrorCode::kCancelled, std::move(message)};
  }
  static Status Internal(std::string message) { return {ErrorCode::kInternal, std::move(message)}; }

  bool ok() const { return state_ == nullptr; }
  ErrorCode code() const { return ok() ? ErrorCode::kOk : state_->code; }
  const std::string& message() const;
  // The detail of type D this status carries, or null.
  template <typename D>
  const D* detail() const {
    if (ok()) return nullptr;
    for (const auto& detail : state_->details) {
      if (const auto* typed = dynamic_cast<const D*>(detail.get())) return typed;
    }
    return nullptr;
  }
  // This status with `detail` added, in place of one of the same type. OK stays OK.
  template <typename D>
  Status WithDetail(D detail) const {
    return WithDetailOf(std::make_shared<const D>(std::move(detail)));
  }
  // Prefixes context to the message ("reading dataset orders: " + message).
  Status WithContext(std::string_view context) const;
  // "<message>" followed by "(key=value, ...)" when details are present.
  std::string ToString() const;

 private:
  Status WithDetailOf(std::shared_ptr<const StatusDetail> detail) const;

  struct State {
    ErrorCode code;
    std::string message;
    std::vector<std::shared_ptr<const StatusDetail>> details;
  };
  std::shared_ptr<const State> state_;
};

}  // namespace mortar

#define MORTAR_CONCAT_INNER(a, b) a##b
#define MORTAR_CONCAT(a, b) MORTAR_CONCAT_INNER(a, b)

#define MORTAR_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::mortar::Status _mortar_status = (expr);        \
    if (!_mortar_status.ok()) return _mortar_status; \
  } while (false)

#define MORTAR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = std::move(tmp).ValueUnsafe();

#define MORTAR_ASSIGN_OR_RETURN(lhs, rexpr) \
  MORTAR_ASSIGN_OR_RETURN_IMPL(MORTAR_CONCAT(_mortar_result_, __COUNTER__), lhs, rexpr)
