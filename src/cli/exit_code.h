// The one place where errors become process exit codes.
#pragma once

#include "mortar/core/status.h"

namespace mortar::cli {

// 0 ok, 2 invalid input or usage, 3 not found, 4 authentication or permission, 5 conflict,
// 6 remote failure, 70 internal, 130 cancelled.
int ExitCode(const Status& status);

}  // namespace mortar::cli
