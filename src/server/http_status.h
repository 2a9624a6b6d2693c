// The HTTP status that answers a Status: the one place where error codes become HTTP.
#pragma once

#include "mortar/core/status.h"

namespace mortar::server {

// 400 invalid input, 404 not found, 403 auth, 409 conflict, 502 remote, 503 cancelled,
// 500 internal; a "reply_status" detail (our own, e.g. 401) wins.
int HttpStatusOf(const Status& status);

}  // namespace mortar::server
