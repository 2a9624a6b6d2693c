// Azure Data Lake Storage reached with a SAS token Unity Catalog vended for one table
// (connectors/vended_store.h): the opener the registry of built-ins sets for abfss://
// URLs. The Blob service serves the files (ranged Get Blob, List Blobs), as it does on
// accounts with a hierarchical namespace.
#pragma once

#include "connectors/vended_store.h"

namespace mortar::azure {

// The store of abfss://<container>@<account>.dfs.core.windows.net/<path>, reached at
// location.azure_endpoint ("{account}" replaced) or https://<account>.blob.core.windows.net.
Result<std::shared_ptr<const ObjectStore>> OpenVendedAzureStore(const VendedLocation& location);

}  // namespace mortar::azure
