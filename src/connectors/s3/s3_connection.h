// The "s3" connection type: a bucket on AWS S3 or an S3-compatible server.
#pragma once

#include <memory>

#include "connectors/s3/s3_client.h"
#include "mortar/connectors/connection_type.h"

namespace mortar::s3 {

std::unique_ptr<ConnectionType> MakeS3ConnectionType();

// The client of an S3 connection, with its credentials from the vault or the
// environment (for fast-write staging).
Result<S3Client> OpenS3Client(const config::ConnectionConfig& config, const OpenScope& scope);

}  // namespace mortar::s3
