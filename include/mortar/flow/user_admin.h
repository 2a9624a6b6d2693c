// Changing passwords and deleting users: what the CLI and the studio do, checked the
// same way for both.
#pragma once

#include <optional>
#include <string>

#include "mortar/core/result.h"
#include "mortar/flow/context.h"

namespace mortar {

// Sets `name`'s password. An admin sets anyone's; a user sets their own only with
// `current`, their present password, right.
Status ChangePassword(Context& context, const std::string& name, const std::string& password,
                      const std::optional<std::string>& current);
// Deletes a user (admins; never oneself): their project grants first (a later user of
// the same name must inherit none; refused while they are a project's last admin), then
// the account with its API keys, then their own credentials in the vault.
Status RemoveUser(Context& context, const std::string& name);

}  // namespace mortar
