#include "connectors/azure/vended_azure_store.h"

#include "connectors/azure/azure_object_store.h"

namespace mortar::azure {

Result<std::shared_ptr<const ObjectStore>> OpenVendedAzureStore(const VendedLocation& location) {
  auto refused = [&] {
    return Status::Invalid("connection '" + location.connection + "': '" + location.url +
                           "' is not an abfss://container@account.dfs.core.windows.net/path URL");
  };
  auto url = SplitStorageUrl(location.url);
  if (!url.ok() || url->scheme != "abfss") return refused();
  // container@account.dfs.core.windows.net (or another cloud's suffix).
  std::size_t at = url->root.find('@');
  if (at == 0 || at == std::string::npos) return refused();
  std::string container = url->root.substr(0, at);
  std::string host = url->root.substr(at + 1);
  std::string account = host.substr(0, host.find('.'));
  if (account.empty() ||
      account.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") != std::string::npos) {
    return refused();
  }
  if (location.azure_sas_token.empty()) {
    return Status::Invalid("connection '" + location.connection + "': no SAS token for '" +
                           location.url + "'");
  }
  AzureSettings settings;
  settings.connection = location.connection;
  settings.container = container;
  settings.endpoint = location.azure_endpoint.empty() ? "https://{account}.blob.core.windows.net"
                                                      : location.azure_endpoint;
  for (std::size_t at_name = settings.endpoint.find("{account}"); at_name != std::string::npos;
       at_name = settings.endpoint.find("{account}")) {
    settings.endpoint.replace(at_name, 9, account);
  }
  settings.ca_file = location.ca_file;
  settings.credentials.account = account;
  settings.credentials.sas_token = TrimSasToken(location.azure_sas_token);
  settings.sas_vended = true;
  return MakeAzureObjectStore(AzureBlobClient(std::move(settings)));
}

}  // namespace mortar::azure
