// What a request's body may be, checked before it is read: shared by `mortar serve`
// and the data API a Python recipe reaches.
#pragma once

#include <httplib.h>

#include <cstddef>

namespace mortar::server {

class DataApi;

// Bodies read whole into memory (every one but the data API's upload) are at most this.
constexpr std::size_t kMaxBodyBytes = 1 << 20;

// Installs on `server`: a body that would be read whole must be of known length and at
// most kMaxBodyBytes (413 otherwise, before it is read); and a client that asks before
// sending its body ('Expect: 100-continue') is answered from the headers, so an upload
// the data API would refuse, or a body too large, is refused before it is sent.
void GuardRequestBodies(httplib::Server& server, DataApi& data_api);

}  // namespace mortar::server
