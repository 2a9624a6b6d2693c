#include "mortar/http/transport.h"

namespace mortar::http {

namespace {

// Marks a Status from a transport as "nothing was exchanged", for SendWithRetry.
constexpr char kTransportDetail[] = "transport";
constexpr char kConnectionFailure[] = "connection";

}  // namespace

Status ConnectionError(std::string message) {
  return Status::Remote(std::move(message)).WithDetail(kTransportDetail, kConnectionFailure);
}

bool IsConnectionError(const Status& status) {
  auto detail = status.details().find(kTransportDetail);
  return detail != status.details().end() && detail->second == kConnectionFailure;
}

}  // namespace mortar::http
