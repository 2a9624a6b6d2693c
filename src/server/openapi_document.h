// The OpenAPI document of the REST API (src/server/openapi.json), served at
// /api/openapi.json; web/build.mjs compiles it in beside the studio.
#pragma once

#include <string_view>

namespace mortar::server {

std::string_view OpenApiDocument();

}  // namespace mortar::server
