// The "s3" connection type: a bucket on AWS S3 or an S3-compatible server.
#pragma once

#include <memory>

#include "mortar/connectors/connection_type.h"

namespace mortar::s3 {

std::unique_ptr<ConnectionType> MakeS3ConnectionType();

}  // namespace mortar::s3
