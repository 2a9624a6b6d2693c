#include "connectors/s3/s3_connection.h"

#include <filesystem>
#include <optional>

#include "connectors/connection_secret.h"
#include "connectors/object_store_connection.h"
#include "connectors/s3/s3_object_store.h"
#include "mortar/config/home.h"
#include "mortar/security/vault.h"

namespace mortar::s3 {

namespace {

// A secret (see connection_secret.h); a required one that is missing says how to store it.
Result<std::string> Secret(const config::ConfigObject& params,
                           const config::ConnectionConfig& config, const security::Vault& vault,
                           const std::string& field, bool required) {
  MORTAR_ASSIGN_OR_RETURN(auto stored, ConnectionSecret(params, config, vault, field));
  if (!stored && required) {
    return Status::Auth("connection '" + config.name + "' has no " + field +
                        ": an admin stores it with 'mortar connection set-secret " + config.name +
                        " " + field + "' (it reads the value from standard input), or sets " +
                        field + "_env");
  }
  return stored.value_or("");
}

Result<S3Settings> ParseSettings(const config::ConnectionConfig& config, const config::Home& home) {
  config::ConfigObject params(config.params, config.file, "params");
  MORTAR_RETURN_IF_ERROR(params.CheckObject({"endpoint", "region", "bucket", "path_style",
                                             "access_key_id", "secret_access_key_env",
                                             "session_token_env", "ca_file", "retry_seconds"}));
  S3Settings settings;
  settings.connection = config.name;
  MORTAR_ASSIGN_OR_RETURN(settings.region, params.StringOr("region", "us-east-1"));
  MORTAR_ASSIGN_OR_RETURN(
      settings.endpoint,
      params.StringOr("endpoint", "https://s3." + settings.region + ".amazonaws.com"));
  if (settings.endpoint.rfind("https://", 0) != 0 && settings.endpoint.rfind("http://", 0) != 0)
    return params.Error("endpoint", "expected an http:// or https:// URL");
  MORTAR_ASSIGN_OR_RETURN(settings.bucket, params.String("bucket"));
  if (std::string problem = S3BucketProblem(settings.bucket); !problem.empty())
    return params.Error("bucket", "expected a bucket name: " + problem);
  MORTAR_ASSIGN_OR_RETURN(settings.path_style, params.BooleanOr("path_style", false));
  MORTAR_ASSIGN_OR_RETURN(settings.credentials.access_key_id, params.String("access_key_id"));
  MORTAR_ASSIGN_OR_RETURN(std::string ca_file, params.StringOr("ca_file", ""));
  if (!ca_file.empty()) settings.ca_file = home.Resolve(ca_file).string();
  MORTAR_ASSIGN_OR_RETURN(settings.retry_budget, RetrySeconds(params));
  return settings;
}

// The client with its secrets, from the vault or the environment.
Result<S3Client> OpenS3Client(const config::ConnectionConfig& config, const config::Home& home) {
  MORTAR_ASSIGN_OR_RETURN(S3Settings settings, ParseSettings(config, home));
  config::ConfigObject params(config.params, config.file, "params");
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(home));
  MORTAR_ASSIGN_OR_RETURN(settings.credentials.secret_access_key,
                          Secret(params, config, vault, "secret_access_key", true));
  MORTAR_ASSIGN_OR_RETURN(settings.credentials.session_token,
                          Secret(params, config, vault, "session_token", false));
  return S3Client(std::move(settings));
}

class S3Connection final : public ObjectStoreConnection {
 public:
  S3Connection(config::ConnectionConfig config, const OpenScope& scope)
      : ObjectStoreConnection(std::move(config)), home_(scope.home) {}

  std::optional<CloudLocation> Cloud(const std::string& path) const override {
    auto settings = ParseSettings(config(), home_);
    if (!settings.ok()) return std::nullopt;
    return CloudLocation{name(), "s3", settings->bucket, path};
  }

 protected:
  std::string credential_method() const override { return "S3 access key"; }
  Result<std::shared_ptr<const ObjectStore>> OpenStore() const override {
    MORTAR_ASSIGN_OR_RETURN(S3Client client, OpenS3Client(config(), home_));
    return MakeS3ObjectStore(std::move(client));
  }

 private:
  config::Home home_;
};

class S3ConnectionType final : public ConnectionType {
 public:
  std::string_view name() const override { return "s3"; }
  std::string_view description() const override {
    return "a bucket on Amazon S3 or an S3-compatible server";
  }
  Result<std::unique_ptr<Connection>> Create(const config::ConnectionConfig& config,
                                             const OpenScope& scope) const override {
    MORTAR_RETURN_IF_ERROR(ParseSettings(config, scope.home).status());
    return std::unique_ptr<Connection>(new S3Connection(config, scope));
  }
};

}  // namespace

std::unique_ptr<ConnectionType> MakeS3ConnectionType() {
  return std::make_unique<S3ConnectionType>();
}

}  // namespace mortar::s3
