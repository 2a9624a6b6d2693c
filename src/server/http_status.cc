#include "server/http_status.h"

#include <string>

namespace mortar::server {

int HttpStatusOf(const Status& status) {
  // Our own "reply_status" detail (401 for "not logged in"); never a peer's status.
  auto it = status.details().find("reply_status");
  if (it != status.details().end()) return std::stoi(it->second);
  switch (status.code()) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kInvalidInput:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAuth:
      return 403;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kRemote:
      return 502;
    case ErrorCode::kCancelled:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

}  // namespace mortar::server
