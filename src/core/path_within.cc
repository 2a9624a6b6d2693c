#include "mortar/core/path_within.h"

#include <algorithm>
#include <iterator>

namespace mortar {

bool PathWithin(const std::filesystem::path& path, const std::filesystem::path& folder) {
  const std::filesystem::path inner = path.lexically_normal();
  const std::filesystem::path top = folder.lexically_normal();
  // Both ranges bounded: a path shorter than the folder ends the comparison.
  auto [end, unused] = std::mismatch(top.begin(), top.end(), inner.begin(), inner.end());
  return end == top.end() || (std::next(end) == top.end() && end->empty());
}

}  // namespace mortar
