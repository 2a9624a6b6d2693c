// Header text as request signers canonicalize it (AWS Signature V4, Azure Shared Key):
// names in ASCII lower case, values without surrounding blanks.
#pragma once

#include <string>
#include <string_view>

namespace mortar::http {

std::string CanonicalHeaderName(std::string_view name);
std::string CanonicalHeaderValue(std::string_view value);

}  // namespace mortar::http
