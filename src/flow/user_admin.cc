#include "mortar/flow/user_admin.h"

#include "mortar/flow/connection_admin.h"
#include "mortar/security/accounts.h"
#include "mortar/security/permissions.h"
#include "mortar/security/vault.h"

namespace mortar {

Status ChangePassword(Context& context, const std::string& name, const std::string& password,
                      const std::optional<std::string>& current) {
  const config::Home& home = context.home();
  if (name == context.user() && current) {
    // Refused, not unauthenticated: the caller is logged in, the password they gave is
    // not theirs.
    if (!security::Authenticate(home, name, *current).ok())
      return Status::PermissionDenied(
          "the current password is not right: give the one you "
          "log in with");
  } else {
    MORTAR_RETURN_IF_ERROR(RequireAdmin(context, name == context.user()
                                                     ? "change a password without the current one"
                                                     : "change another user's password"));
  }
  MORTAR_RETURN_IF_ERROR(home.FindUser(name).status());
  return security::SetPassword(home, name, password);
}

Status RemoveUser(Context& context, const std::string& name) {
  MORTAR_RETURN_IF_ERROR(RequireAdmin(context, "manage users"));
  if (name == context.user()) return Status::Invalid("you cannot delete yourself");
  const config::Home& home = context.home();
  MORTAR_RETURN_IF_ERROR(home.FindUser(name).status());
  MORTAR_RETURN_IF_ERROR(security::ForgetUserGrants(home, name));
  MORTAR_RETURN_IF_ERROR(security::DeleteUser(home, name));
  MORTAR_ASSIGN_OR_RETURN(auto vault, security::Vault::Open(home));
  MORTAR_ASSIGN_OR_RETURN(auto slots, vault.List("user/" + name + "/"));
  for (const auto& slot : slots) MORTAR_RETURN_IF_ERROR(vault.Delete(slot.slot));
  return Status::OK();
}

}  // namespace mortar
