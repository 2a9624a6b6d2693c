#include "http/canonical_headers.h"

#include "mortar/core/ascii_case.h"

namespace mortar::http {

std::string CanonicalHeaderName(std::string_view name) {
  return AsciiLower(name);
}

std::string CanonicalHeaderValue(std::string_view value) {
  auto first = value.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  auto last = value.find_last_not_of(" \t");
  return std::string(value.substr(first, last - first + 1));
}

}  // namespace mortar::http
