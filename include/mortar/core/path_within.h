// Whether a path lies inside a folder, by their text (lexically normalised; symbolic
// links are not followed). Stateless.
#pragma once

#include <filesystem>

namespace mortar {

// True when `path` is `folder` or lies under it. Both absolute, or both relative to
// the same place; a trailing '/' on `folder` changes nothing.
bool PathWithin(const std::filesystem::path& path, const std::filesystem::path& folder);

}  // namespace mortar
