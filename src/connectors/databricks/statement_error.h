// A statement the server ran and that failed, as a Status: the first line of the
// server's message (Spark appends a stack trace), NotFound for a missing table or
// schema, and the SQLSTATE and error class ([TABLE_OR_VIEW_NOT_FOUND] ...) as a
// SqlErrorDetail; and when to stop waiting for one. Shared by the Thrift and Statement
// Execution API drivers.
#pragma once

#include <chrono>
#include <string>

#include "mortar/core/status.h"

namespace mortar::databricks {

// `prefix`: "connection 'name': "; `what`: "running the statement".
Status StatementFailed(const std::string& prefix, const std::string& what, std::string message,
                       const std::string& sql_state);

// Whether waiting for a running statement may go on: Cancelled when the user
// interrupted (Ctrl-C), Remote past the query time-out (0: none). The caller cancels
// the statement on the server when it is not OK.
Status KeepWaiting(const std::string& prefix, const std::string& what,
                   std::chrono::seconds query_timeout, std::chrono::steady_clock::duration waited);

}  // namespace mortar::databricks
