#include "http/canonical_headers.h"

#include <algorithm>
#include <cctype>

namespace mortar::http {

std::string CanonicalHeaderName(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::string CanonicalHeaderValue(std::string_view value) {
  auto first = value.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  auto last = value.find_last_not_of(" \t");
  return std::string(value.substr(first, last - first + 1));
}

}  // namespace mortar::http
