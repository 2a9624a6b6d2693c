#include "mortar/core/status.h"

#include <typeinfo>

namespace mortar {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidInput:
      return "invalid input";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "permission denied";
    case ErrorCode::kAuth:
      return "authentication";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kRemote:
      return "remote";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Status::Status(ErrorCode code, std::string message) {
  if (code != ErrorCode::kOk) {
    state_ = std::make_shared<const State>(State{code, std::move(message), {}});
  }
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return ok() ? kEmpty : state_->message;
}

Status Status::WithDetailOf(std::shared_ptr<const StatusDetail> detail) const {
  if (ok()) return *this;
  State copy = *state_;
  const StatusDetail& added = *detail;
  std::erase_if(copy.details, [&](const auto& held) { return typeid(*held) == typeid(added); });
  copy.details.push_back(std::move(detail));
  Status result;
  result.state_ = std::make_shared<const State>(std::move(copy));
  return result;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  State copy = *state_;
  copy.message = std::string(context) + ": " + copy.message;
  Status result;
  result.state_ = std::make_shared<const State>(std::move(copy));
  return result;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string shown;
  for (const auto& detail : state_->details) {
    std::string text = detail->ToString();
    if (text.empty()) continue;
    if (!shown.empty()) shown += ", ";
    shown += text;
  }
  return shown.empty() ? state_->message : state_->message + " (" + shown + ")";
}

}  // namespace mortar
