#include "connectors/browsable_folder.h"

#include <algorithm>

namespace mortar {

namespace {

bool Hidden(const std::string& path, std::size_t name_at) {
  return path.size() <= name_at || path[name_at] == '.' || path[name_at] == '_';
}

}  // namespace

FolderListing BrowsableFolder(std::size_t name_at, std::vector<std::string> folders,
                              std::vector<StoredFile> files, bool truncated) {
  FolderListing listing;
  listing.truncated = truncated;
  std::erase_if(folders, [name_at](const std::string& path) { return Hidden(path, name_at); });
  std::erase_if(files, [name_at](const StoredFile& file) { return Hidden(file.path, name_at); });
  std::sort(folders.begin(), folders.end());
  std::sort(files.begin(), files.end(),
            [](const StoredFile& a, const StoredFile& b) { return a.path < b.path; });
  if (folders.size() > kMaxFolderEntries) {
    folders.resize(kMaxFolderEntries);
    listing.truncated = true;
  }
  std::size_t room = kMaxFolderEntries - folders.size();
  if (files.size() > room) {
    files.resize(room);
    listing.truncated = true;
  }
  listing.folders = std::move(folders);
  listing.files = std::move(files);
  return listing;
}

}  // namespace mortar
