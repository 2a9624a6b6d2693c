// An S3 bucket as an ObjectStore: files datasets and staged loads on S3Client.
#pragma once

#include <memory>

#include "connectors/object_store.h"
#include "connectors/s3/s3_client.h"

namespace mortar::s3 {

// A database reaches the objects by s3:// URI (COPY INTO, with the access key as its
// temporary credential) or s3a:// (open-source Spark).
std::shared_ptr<const ObjectStore> MakeS3ObjectStore(S3Client client);

}  // namespace mortar::s3
