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

Result<std::shared_ptr<const ObjectStore>> OpenVendedStore(const VendedLocation& location) {
  std::string scheme = location.url.substr(0, location.url.find("://"));
  VendedStoreOpener opener = nullptr;
  {
    std::lock_guard guard(OpenersLock());
    auto found = Openers().find(scheme);
    if (found != Openers().end()) opener = found->second;
  }
  if (opener == nullptr || location.url.find("://") == std::string::npos) {
    return Status::Invalid("connection '" + location.connection + "': storage at '" + scheme +
                           "://' is not one Mortar reads with vended credentials (it reads s3://)");
  }
  return opener(location);
}

}  // namespace mortar
