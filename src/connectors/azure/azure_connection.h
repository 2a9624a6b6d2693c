// The "azure_blob" connection type: a container of an Azure Storage account (or of
// Azurite), authorized with the account key or a SAS token.
#pragma once

#include <memory>

#include "connectors/azure/azure_client.h"
#include "mortar/connectors/connection_type.h"

namespace mortar::azure {

std::unique_ptr<ConnectionType> MakeAzureBlobConnectionType();

// The client of an azure_blob connection, with its secret from the vault or the
// environment (for fast-write staging).
Result<AzureBlobClient> OpenAzureBlobClient(const config::ConnectionConfig& config,
                                            const OpenScope& scope);

}  // namespace mortar::azure
