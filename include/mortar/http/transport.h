// Transport: sends one HTTP request and returns the response, with no retries.
// The seam that lets retries and error handling be tested without a network.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "mortar/core/result.h"
#include "mortar/http/message.h"

namespace mortar::http {

// One HTTP exchange at a time. Send returns OK for every HTTP status (callers judge
// statuses) and an error only when no response arrived. Not thread-safe: use one
// transport per thread.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<Response> Send(const Request& request) = 0;
};

// Makes a transport for one thread (tests pass fakes).
using TransportFactory = std::function<Result<std::unique_ptr<Transport>>()>;

// A failure to exchange anything with the server (cannot resolve, refused, reset,
// timed out), as opposed to a TLS or usage error. SendWithRetry retries these when
// the policy allows; fake transports in tests return them too.
Status ConnectionError(std::string message);
bool IsConnectionError(const Status& status);

struct TlsOptions {
  std::string ca_file;  // PEM bundle of trusted CAs; empty: the system's CAs
  // With ca_file: trust the system's CAs as well. For cloud storage that a workspace
  // links to (CloudFetch files, volume uploads): public clouds, or the workspace's own
  // CA (a private deployment, the local stand-in).
  bool system_cas_too = false;
};

// libcurl over one reused easy handle, so connections are kept alive and reused.
// TLS verification is always on (peer and host name); HTTP/1.1; a 30 s connect
// timeout; TCP keep-alive; redirects are not followed (they could carry the
// Authorization header elsewhere). Fails when the CA file cannot be read.
Result<std::unique_ptr<Transport>> MakeCurlTransport(const TlsOptions& tls);

}  // namespace mortar::http
