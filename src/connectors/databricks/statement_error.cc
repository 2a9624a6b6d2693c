#include "connectors/databricks/statement_error.h"

#include "mortar/core/interrupt.h"
#include "mortar/core/sql_error_detail.h"

namespace mortar::databricks {

Status StatementFailed(const std::string& prefix, const std::string& what, std::string message,
                       const std::string& sql_state) {
  if (auto newline = message.find('\n'); newline != std::string::npos)
    message = message.substr(0, newline);
  if (message.empty()) message = "no message from the server";
  ErrorCode code = ErrorCode::kInvalidInput;
  if (message.find("TABLE_OR_VIEW_NOT_FOUND") != std::string::npos ||
      message.find("SCHEMA_NOT_FOUND") != std::string::npos ||
      message.find("Table or view not found") != std::string::npos) {
    code = ErrorCode::kNotFound;
  }
  Status error(code, prefix + what + " failed: " + message);
  // Error classes come in brackets: [TABLE_OR_VIEW_NOT_FOUND] ...
  std::string error_class;
  auto open = message.find('[');
  auto close = message.find(']');
  if (open != std::string::npos && close != std::string::npos && close > open + 1 &&
      close - open < 80) {
    error_class = message.substr(open + 1, close - open - 1);
  }
  if (sql_state.empty() && error_class.empty()) return error;
  return error.WithDetail(SqlErrorDetail(sql_state, error_class));
}

Status KeepWaiting(const std::string& prefix, const std::string& what,
                   std::chrono::seconds query_timeout, std::chrono::steady_clock::duration waited) {
  if (InterruptPending()) {
    return Status::Cancelled(prefix + what + " was interrupted; the statement was cancelled");
  }
  if (query_timeout.count() > 0 && waited > query_timeout) {
    return Status::Remote(
        prefix + what + " took longer than the query time-out of " +
        std::to_string(query_timeout.count()) +
        " s and was cancelled; raise params.query_timeout_seconds if it needs longer");
  }
  return Status::OK();
}

}  // namespace mortar::databricks
