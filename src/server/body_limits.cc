#include "server/body_limits.h"

#include <cstdlib>
#include <string>

#include "server/data_api.h"
#include "server/error_reply.h"

namespace mortar::server {

namespace {

// Answers 413 to a body the request may not have: only the data API's upload streams
// its body (read as it comes, bounded per message); any other body is read whole
// into memory, so it must be small and of known length. True when it answered.
bool RefuseLargeBody(const httplib::Request& request, httplib::Response& response) {
  if (request.method == "GET" || (request.method == "POST" && DataApi::StreamsBody(request.path)))
    return false;
  std::string length = request.get_header_value("Content-Length");
  bool chunked = request.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos;
  if (!chunked && (length.empty() || std::strtoull(length.c_str(), nullptr, 10) <= kMaxBodyBytes))
    return false;
  ReplyError(response,
             Status::Invalid("the request body is larger than " + std::to_string(kMaxBodyBytes) +
                             " bytes (or of unknown length); send less"),
             413);
  return true;
}

}  // namespace

void GuardRequestBodies(httplib::Server& server, DataApi& data_api) {
  server.set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
    return RefuseLargeBody(request, response) ? httplib::Server::HandlerResponse::Handled
                                              : httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_expect_100_continue_handler(
      [&data_api](const httplib::Request& request, httplib::Response& response) {
        bool refused = RefuseLargeBody(request, response);
        if (!refused && request.method == "POST" && DataApi::StreamsBody(request.path)) {
          if (Status admitted = data_api.AdmitUpload(request); !admitted.ok()) {
            ReplyError(response, admitted);
            refused = true;
          }
        }
        if (!refused) return 100;
        // httplib writes this answer without the length of its body.
        response.set_header("Content-Length", std::to_string(response.body.size()));
        return response.status;
      });
}

}  // namespace mortar::server
