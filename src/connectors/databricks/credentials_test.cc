#include "connectors/databricks/credentials.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "mortar/auth/oauth_token_sources.h"
#include "mortar/auth/token_source_cache.h"
#include "mortar/security/vault.h"
#include "testing/temp_home.h"

namespace mortar::databricks {
namespace {

AuthSettings PerUserOAuth() {
  AuthSettings settings;
  settings.connection = "dbx";
  settings.type = "oauth_user";
  settings.per_user = true;
  settings.client_id = "mortar-app";
  settings.client_secret_env = "MORTAR_CREDENTIALS_TEST_SECRET";
  // Given, so nothing is discovered over the network; the grants below are fresh, so the
  // token endpoint is never called either.
  settings.authorization_endpoint = "https://adb-1.example/oidc/v1/authorize";
  settings.token_endpoint = "https://adb-1.example/oidc/v1/token";
  settings.scope = "sql offline_access";
  settings.workspace_url = "https://adb-1.example:443";
  settings.fingerprint = R"({"type":"oauth_user"})";
  return settings;
}

// A server's shared token sources: a user deleted and made again under the same name,
// who authorizes anew, gets the new grant's token, never the old user's still-fresh one.
TEST(CredentialsTest, ASharedSourceIsBoundToTheAuthorizationItServes) {
  testing::TempHome temp;
  setenv("MORTAR_CREDENTIALS_TEST_SECRET", "app-secret", 1);
  auto vault = *security::Vault::Open(temp.home());
  const std::string slot = security::UserConnectionSecretSlot("alice", "dbx", "oauth");
  ASSERT_TRUE(
      auth::StoreUserGrant(vault, slot, auth::TokenGrant{"access-old", "refresh-old", 3600, ""})
          .ok());
  auth::TokenSourceCache cache;
  OpenScope scope{temp.home(), "alice", &cache, {}};
  auto first = OpenTokenSource(PerUserOAuth(), scope);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ((*first)->AuthorizationHeader().ValueOr(""), "Bearer access-old");

  ASSERT_TRUE(vault.Delete(slot).ok());  // the user goes, with their grants
  EXPECT_FALSE(OpenTokenSource(PerUserOAuth(), scope).ok());
  ASSERT_TRUE(
      auth::StoreUserGrant(vault, slot, auth::TokenGrant{"access-new", "refresh-new", 3600, ""})
          .ok());
  auto again = OpenTokenSource(PerUserOAuth(), scope);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->AuthorizationHeader().ValueOr(""), "Bearer access-new");
  unsetenv("MORTAR_CREDENTIALS_TEST_SECRET");
}

}  // namespace
}  // namespace mortar::databricks
