// Cloud storage reached with credentials a service vended for one location, as Unity
// Catalog vends them for one table (temporary table credentials): no connection of the
// user's names it, so the connector that needs it asks here and the object-store
// connector that serves the URL's scheme opens it (the registry of built-ins sets the
// opener: connectors never include each other).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "connectors/object_store.h"

namespace mortar {

struct VendedLocation {
  std::string connection;  // the connection that asked, for messages
  std::string url;         // s3://bucket/path, abfss://container@account.dfs.core.windows.net/path
  std::string endpoint;    // S3's endpoint (empty: AWS's own for the region)
  std::string region;
  std::string ca_file;
  std::string access_key_id;
  std::string secret_access_key;  // a secret
  std::string session_token;      // a secret
  // Azure: the Blob service's endpoint, "{account}" standing for the URL's storage
  // account (empty: https://{account}.blob.core.windows.net), and the SAS token.
  std::string azure_endpoint;
  std::string azure_sas_token;  // a secret
};

// A location's URL split: scheme://root/prefix, the root being an S3 bucket (or an
// Azure container@account), the prefix the keys below it start with ("path/", or "").
struct StorageUrl {
  std::string scheme;
  std::string root;
  std::string prefix;
};

// An error when `url` has no scheme or no root.
Result<StorageUrl> SplitStorageUrl(std::string_view url);

// A store of the bucket in `location.url`, read and listed with its credentials.
using VendedStoreOpener = Result<std::shared_ptr<const ObjectStore>> (*)(const VendedLocation&);

// Sets who opens URLs of `scheme` ("s3"). Called once, by the registry of built-ins.
void SetVendedStoreOpener(std::string_view scheme, VendedStoreOpener opener);

// The store for the location's URL, or an error saying no connector serves its scheme.
Result<std::shared_ptr<const ObjectStore>> OpenVendedStore(const VendedLocation& location);

}  // namespace mortar
