#include "mortar/http/transport.h"

namespace mortar::http {

namespace {

// Marks a Status from a transport as "nothing was exchanged", for SendWithRetry.
class ConnectionFailureDetail final : public StatusDetail {
 public:
  std::string ToString() const override { return "transport=connection"; }
};

}  // namespace

Status ConnectionError(std::string message) {
  return Status::Remote(std::move(message)).WithDetail(ConnectionFailureDetail());
}

bool IsConnectionError(const Status& status) {
  return status.detail<ConnectionFailureDetail>() != nullptr;
}

}  // namespace mortar::http
