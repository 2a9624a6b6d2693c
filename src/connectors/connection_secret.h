// A connection-wide secret (S3 secret key, Azure account key or SAS token, ...): from the
// environment variable named by the "<field>_env" param when there is one, else from the
// vault slot that 'mortar connection set-secret NAME FIELD' fills.
#pragma once

#include <optional>
#include <string>

#include "mortar/config/document.h"
#include "mortar/config/model.h"
#include "mortar/security/vault.h"

namespace mortar {

// nullopt when neither holds it; an error when the named variable is unset or empty.
Result<std::optional<std::string>> ConnectionSecret(const config::ConfigObject& params,
                                                    const config::ConnectionConfig& config,
                                                    const security::Vault& vault,
                                                    const std::string& field);

}  // namespace mortar
