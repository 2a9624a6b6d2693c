#include "connectors/vended_store.h"

#include <map>
#include <mutex>

namespace mortar {

namespace {

std::mutex& OpenersLock() {
  static std::mutex lock;
  return lock;
}

std::map<std::string, VendedStoreOpener, std::less<>>& Openers() {
  static std::map<std::string, VendedStoreOpener, std::less<>> openers;
  return openers;
}

}  // namespace

void SetVendedStoreOpener(std::string_view scheme, VendedStoreOpener opener) {
  std::lock_guard guard(OpenersLock());
  Openers()[std::string(scheme)] = opener;
}

Result<StorageUrl> SplitStorageUrl(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    return Status::Invalid("'" + std::string(url) + "' is not a storage URL (scheme://root/path)");
  }
  StorageUrl split;
  split.scheme = std::string(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  std::size_t slash = rest.find('/');
  split.root = std::string(rest.substr(0, slash));
  if (split.root.empty()) {
    return Status::Invalid("'" + std::string(url) + "' names no bucket or container");
  }
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash + 1);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (!path.empty()) split.prefix = std::string(path) + "/";
  }
  return split;
}

Result<std::shared_ptr<const ObjectStore>> OpenVendedStore(const VendedLocation& location) {
  auto url = SplitStorageUrl(location.url);
  std::string scheme = url.ok() ? url->scheme : location.url;
  VendedStoreOpener opener = nullptr;
  {
    std::lock_guard guard(OpenersLock());
    auto found = Openers().find(scheme);
    if (found != Openers().end()) opener = found->second;
  }
  if (opener == nullptr || !url.ok()) {
    return Status::Invalid(
        "connection '" + location.connection + "': storage at '" + scheme +
        "://' is not one Mortar reads with vended credentials (it reads s3:// and "
        "abfss://)");
  }
  return opener(location);
}

}  // namespace mortar
