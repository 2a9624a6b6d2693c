// A folder's listing as the user browses it, the same for every store: names that
// start with '.' or '_' left out (as datasets skip them), folders and files each in
// name order, at most kMaxFolderEntries in all.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "mortar/connectors/connection.h"

namespace mortar {

// `folders` and `files` are paths from the root; each one's own name starts at
// `name_at` (the length of the folder's path with its '/'). `truncated`: the store
// stopped listing at the limit.
FolderListing BrowsableFolder(std::size_t name_at, std::vector<std::string> folders,
                              std::vector<StoredFile> files, bool truncated);

}  // namespace mortar
