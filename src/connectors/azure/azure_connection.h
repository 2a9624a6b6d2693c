// The "azure_blob" connection type: a container of an Azure Storage account (or of
// Azurite), authorized with the account key or a SAS token.
#pragma once

#include <memory>

#include "mortar/connectors/connection_type.h"

namespace mortar::azure {

std::unique_ptr<ConnectionType> MakeAzureBlobConnectionType();

}  // namespace mortar::azure
