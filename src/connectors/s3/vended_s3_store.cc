#include "connectors/s3/vended_s3_store.h"

#include "connectors/s3/s3_object_store.h"

namespace mortar::s3 {

Result<std::shared_ptr<const ObjectStore>> OpenVendedS3Store(const VendedLocation& location) {
  auto url = SplitStorageUrl(location.url);
  if (!url.ok() || url->scheme != "s3") {
    return Status::Invalid("connection '" + location.connection + "': '" + location.url +
                           "' is not an s3://bucket/path URL");
  }
  if (std::string problem = S3BucketProblem(url->root); !problem.empty()) {
    return Status::Remote("connection '" + location.connection + "': the storage location " +
                          location.url + " names no bucket Mortar can reach: " + problem);
  }
  S3Settings settings;
  settings.connection = location.connection;
  settings.region = location.region.empty() ? "us-east-1" : location.region;
  settings.endpoint = location.endpoint.empty() ? "https://s3." + settings.region + ".amazonaws.com"
                                                : location.endpoint;
  settings.bucket = url->root;
  // Path-style for a server of our own choosing (it may not resolve bucket.host names);
  // AWS's endpoints take virtual-hosted requests.
  settings.path_style = !location.endpoint.empty();
  settings.ca_file = location.ca_file;
  settings.credentials =
      AwsCredentials{location.access_key_id, location.secret_access_key, location.session_token};
  return MakeS3ObjectStore(S3Client(std::move(settings)));
}

}  // namespace mortar::s3
