#include "connectors/connection_secret.h"

#include <cstdlib>

namespace mortar {

Result<std::optional<std::string>> ConnectionSecret(const config::ConfigObject& params,
                                                    const config::ConnectionConfig& config,
                                                    const security::Vault& vault,
                                                    const std::string& field) {
  MORTAR_ASSIGN_OR_RETURN(std::string variable, params.StringOr(field + "_env", ""));
  if (!variable.empty()) {
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr || *value == '\0') {
      return Status::Auth("connection '" + config.name + "': the environment variable " + variable +
                          " that should hold the " + field + " is not set");
    }
    return std::optional<std::string>(value);
  }
  return vault.Get(security::ConnectionSecretSlot(config.name, field));
}

}  // namespace mortar
