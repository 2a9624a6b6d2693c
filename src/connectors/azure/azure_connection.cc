#include "connectors/azure/azure_connection.h"

#include <filesystem>
#include <optional>

#include "connectors/azure/azure_object_store.h"
#include "connectors/connection_secret.h"
#include "connectors/object_store_connection.h"
#include "mortar/config/home.h"
#include "mortar/security/vault.h"

namespace mortar::azure {

namespace {

Result<AzureSettings> ParseSettings(const config::ConnectionConfig& config,
                                    const config::Home& home) {
  config::ConfigObject params(config.params, config.file, "params");
  MORTAR_RETURN_IF_ERROR(params.CheckObject({"account", "container", "endpoint", "account_key_env",
                                             "sas_token_env", "ca_file", "retry_seconds"}));
  AzureSettings settings;
  settings.connection = config.name;
  MORTAR_ASSIGN_OR_RETURN(settings.credentials.account, params.String("account"));
  const std::string& account = settings.credentials.account;
  if (account.empty() || account.find_first_of("/.:@ ") != std::string::npos)
    return params.Error("account", "expected a storage account name (letters and digits)");
  MORTAR_ASSIGN_OR_RETURN(settings.container, params.String("container"));
  if (settings.container.empty() || settings.container.find('/') != std::string::npos)
    return params.Error("container", "expected a container name (no '/')");
  MORTAR_ASSIGN_OR_RETURN(
      settings.endpoint,
      params.StringOr("endpoint", "https://" + account + ".blob.core.windows.net"));
  if (settings.endpoint.rfind("https://", 0) != 0 && settings.endpoint.rfind("http://", 0) != 0)
    return params.Error("endpoint", "expected an http:// or https:// URL");
  MORTAR_ASSIGN_OR_RETURN(std::string ca_file, params.StringOr("ca_file", ""));
  if (!ca_file.empty()) settings.ca_file = home.Resolve(ca_file).string();
  MORTAR_ASSIGN_OR_RETURN(settings.retry_budget, RetrySeconds(params));
  return settings;
}

// The client with its secrets, from the vault or the environment.
Result<AzureBlobClient> OpenAzureBlobClient(const config::ConnectionConfig& config,
                                            const config::Home& home) {
  MORTAR_ASSIGN_OR_RETURN(AzureSettings settings, ParseSettings(config, home));
  config::ConfigObject params(config.params, config.file, "params");
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(home));
  MORTAR_ASSIGN_OR_RETURN(auto key, ConnectionSecret(params, config, vault, "account_key"));
  settings.credentials.account_key = key.value_or("");
  MORTAR_ASSIGN_OR_RETURN(auto stored_sas, ConnectionSecret(params, config, vault, "sas_token"));
  settings.credentials.sas_token = TrimSasToken(stored_sas.value_or(""));
  if (settings.credentials.account_key.empty() && settings.credentials.sas_token.empty()) {
    return Status::Auth("connection '" + config.name +
                        "' has neither an account_key nor a sas_token: an admin stores one with "
                        "'mortar connection set-secret " +
                        config.name +
                        " account_key' (or sas_token; it reads the value from standard input), "
                        "or sets account_key_env / sas_token_env");
  }
  return AzureBlobClient(std::move(settings));
}

class AzureBlobConnection final : public ObjectStoreConnection {
 public:
  AzureBlobConnection(config::ConnectionConfig config, const OpenScope& scope)
      : ObjectStoreConnection(std::move(config)), home_(scope.home) {}

  std::optional<CloudLocation> Cloud(const std::string& path) const override {
    auto settings = ParseSettings(config(), home_);
    if (!settings.ok()) return std::nullopt;
    return CloudLocation{name(), "abfss", settings->container, path, settings->credentials.account};
  }

 protected:
  std::string credential_method() const override { return "Azure account key or SAS token"; }
  Result<std::shared_ptr<const ObjectStore>> OpenStore() const override {
    MORTAR_ASSIGN_OR_RETURN(AzureBlobClient client, OpenAzureBlobClient(config(), home_));
    return MakeAzureObjectStore(std::move(client));
  }

 private:
  config::Home home_;
};

class AzureBlobConnectionType final : public ConnectionType {
 public:
  std::string_view name() const override { return "azure_blob"; }
  std::string_view description() const override {
    return "a container of an Azure Storage account (Blob service)";
  }
  Result<std::unique_ptr<Connection>> Create(const config::ConnectionConfig& config,
                                             const OpenScope& scope) const override {
    MORTAR_RETURN_IF_ERROR(ParseSettings(config, scope.home).status());
    return std::unique_ptr<Connection>(new AzureBlobConnection(config, scope));
  }
};

}  // namespace

std::unique_ptr<ConnectionType> MakeAzureBlobConnectionType() {
  return std::make_unique<AzureBlobConnectionType>();
}

}  // namespace mortar::azure
