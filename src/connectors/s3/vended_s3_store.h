// S3 reached with vended session credentials (connectors/vended_store.h): the opener
// the registry of built-ins sets for s3:// URLs.
#pragma once

#include "connectors/vended_store.h"

namespace mortar::s3 {

Result<std::shared_ptr<const ObjectStore>> OpenVendedS3Store(const VendedLocation& location);

}  // namespace mortar::s3
