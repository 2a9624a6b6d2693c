#include "cli/exit_code.h"

namespace mortar::cli {

int ExitCode(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kOk:
      return 0;
    case ErrorCode::kInvalidInput:
      return 2;
    case ErrorCode::kNotFound:
      return 3;
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kAuth:
      return 4;
    case ErrorCode::kConflict:
      return 5;
    case ErrorCode::kRemote:
      return 6;
    case ErrorCode::kCancelled:
      return 130;
    case ErrorCode::kInternal:
      return 70;
  }
  return 70;
}

}  // namespace mortar::cli
