#include "mortar/core/status.h"

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

const std::map<std::string, std::string>& Status::details() const {
  static const std::map<std::string, std::string> kEmpty;
  return ok() ? kEmpty : state_->details;
}

Status Status::WithDetail(std::string key, std::string value) const {
  if (ok()) return *this;
  State copy = *state_;
  copy.details[std::move(key)] = std::move(value);
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
  std::string text = state_->message;
  if (!state_->details.empty()) {
    text += " (";
    bool first = true;
    for (const auto& [key, value] : state_->details) {
      if (!first) text += ", ";
      first = false;
      text += key + "=" + value;
    }
    text += ")";
  }
  return text;
}

}  // namespace mortar
