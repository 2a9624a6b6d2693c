// An Azure Blob container as an ObjectStore: files datasets and staged loads on
// AzureBlobClient.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "connectors/azure/azure_client.h"
#include "connectors/object_store.h"
#include "mortar/core/wall_time.h"

namespace mortar::azure {

// A database reaches the blobs by abfss:// URI (COPY INTO) or abfs:// (open-source
// Spark's ABFS driver). COPY INTO gets a SAS token: the connection's own, or for a
// connection with only an account key, one Mortar signs with it for the container,
// read and list only, valid for kStagingSasHours from `now()` (Unix seconds).
inline constexpr int kStagingSasHours = 12;
std::shared_ptr<const ObjectStore> MakeAzureObjectStore(
    AzureBlobClient client, std::function<int64_t()> now = [] { return UnixSeconds(); });

}  // namespace mortar::azure
