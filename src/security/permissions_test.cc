#include "mortar/security/permissions.h"

#include <gtest/gtest.h>

#include "mortar/security/accounts.h"
#include "testing/temp_home.h"

namespace mortar::security {
namespace {

class PermissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(AddGroup(home(), config::Group{"engineers", ""}).ok());
    ASSERT_TRUE(AddUser(home(), config::User{"ann", "", {"engineers"}, false}, std::nullopt).ok());
    ASSERT_TRUE(AddUser(home(), config::User{"bob", "", {"analysts"}, false}, std::nullopt).ok());
  }
  const config::Home& home() const { return temp_.home(); }
  config::User User(const std::string& name) const { return *home().FindUser(name); }
  ProjectRole RoleOf(const std::string& name) const {
    return *ProjectRoleOf(home(), User(name), "test");
  }

  testing::TempHome temp_;
};

TEST_F(PermissionsTest, AProjectWithoutGrantsIsForAdminsOnly) {
  EXPECT_EQ(RoleOf("admin"), ProjectRole::kAdmin);
  EXPECT_EQ(RoleOf("ann"), ProjectRole::kNone);
  Status refused = RequireProjectRole(home(), "ann", "test", ProjectRole::kRead);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.message().find("mortar project grant test user ann --role read"),
            std::string::npos)
      << refused.message();
}

TEST_F(PermissionsTest, RolesComeFromUsersAndGroupsAndTheHighestWins) {
  ASSERT_TRUE(SetProjectGrant(home(), "test", {"ann", "", ProjectRole::kAdmin}).ok());
  ASSERT_TRUE(SetProjectGrant(home(), "test", {"", "analysts", ProjectRole::kRead}).ok());
  ASSERT_TRUE(SetProjectGrant(home(), "test", {"bob", "", ProjectRole::kWrite}).ok());
  EXPECT_EQ(RoleOf("ann"), ProjectRole::kAdmin);
  EXPECT_EQ(RoleOf("bob"), ProjectRole::kWrite);
  EXPECT_TRUE(RequireProjectRole(home(), "bob", "test", ProjectRole::kWrite).ok());
  EXPECT_FALSE(RequireProjectRole(home(), "bob", "test", ProjectRole::kAdmin).ok());
  // Revoking bob's own grant leaves what his group holds.
  ASSERT_TRUE(SetProjectGrant(home(), "test", {"bob", "", ProjectRole::kNone}).ok());
  EXPECT_EQ(RoleOf("bob"), ProjectRole::kRead);
  auto grants = *ProjectGrants(home(), "test");
  EXPECT_EQ(grants.size(), 2u);
}

TEST_F(PermissionsTest, TheLastProjectAdminCannotBeRemoved) {
  ASSERT_TRUE(SetProjectGrant(home(), "test", {"ann", "", ProjectRole::kAdmin}).ok());
  Status refused = SetProjectGrant(home(), "test", {"ann", "", ProjectRole::kWrite});
  EXPECT_EQ(refused.code(), ErrorCode::kConflict);
  EXPECT_EQ(RoleOf("ann"), ProjectRole::kAdmin);
  ASSERT_TRUE(SetProjectGrant(home(), "test", {"", "engineers", ProjectRole::kAdmin}).ok());
  EXPECT_TRUE(SetProjectGrant(home(), "test", {"ann", "", ProjectRole::kNone}).ok());
}

TEST_F(PermissionsTest, AUsersGrantsGoWithThemButNotAProjectsLastAdmin) {
  ASSERT_TRUE(SetProjectGrant(home(), "test", {"ann", "", ProjectRole::kAdmin}).ok());
  ASSERT_TRUE(SetProjectGrant(home(), "test", {"bob", "", ProjectRole::kWrite}).ok());
  EXPECT_EQ(ForgetUserGrants(home(), "ann").code(), ErrorCode::kConflict);
  EXPECT_EQ(RoleOf("ann"), ProjectRole::kAdmin);  // nothing changed
  ASSERT_TRUE(ForgetUserGrants(home(), "bob").ok());
  EXPECT_EQ(ProjectGrants(home(), "test")->size(), 1u);
}

TEST_F(PermissionsTest, GrantsNameKnownUsersAndGroupsOnly) {
  EXPECT_EQ(SetProjectGrant(home(), "test", {"nobody", "", ProjectRole::kRead}).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(SetProjectGrant(home(), "test", {"", "nosuch", ProjectRole::kRead}).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(SetProjectGrant(home(), "test", {"ann", "engineers", ProjectRole::kRead}).code(),
            ErrorCode::kInvalidInput);
}

TEST_F(PermissionsTest, ANewConnectionIsForAdminsUntilGranted) {
  config::ConnectionConfig connection{
      "dbx", "databricks", "", config::Json::object(), config::Json::object(), "dbx.json"};
  EXPECT_TRUE(*HasConnectionRight(User("admin"), connection, ConnectionRight::kFreeSql));
  EXPECT_FALSE(*HasConnectionRight(User("ann"), connection, ConnectionRight::kUse));
  Status refused = RequireConnectionRight(home(), "ann", connection, ConnectionRight::kUse);
  EXPECT_EQ(refused.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.message().find("mortar connection grant dbx use"), std::string::npos);

  ASSERT_TRUE(SetConnectionGrant(connection, ConnectionRight::kUse, "engineers", true).ok());
  EXPECT_TRUE(*HasConnectionRight(User("ann"), connection, ConnectionRight::kUse));
  EXPECT_FALSE(*HasConnectionRight(User("ann"), connection, ConnectionRight::kFreeSql));
  EXPECT_FALSE(*HasConnectionRight(User("bob"), connection, ConnectionRight::kUse));

  // free_sql brings use with it; revoking use takes free_sql away too.
  ASSERT_TRUE(SetConnectionGrant(connection, ConnectionRight::kFreeSql, "", true).ok());
  EXPECT_TRUE(*HasConnectionRight(User("bob"), connection, ConnectionRight::kFreeSql));
  ASSERT_TRUE(SetConnectionGrant(connection, ConnectionRight::kUse, "", false).ok());
  EXPECT_FALSE(*HasConnectionRight(User("bob"), connection, ConnectionRight::kUse));
  EXPECT_FALSE(*HasConnectionRight(User("bob"), connection, ConnectionRight::kFreeSql));
  EXPECT_TRUE(*HasConnectionRight(User("ann"), connection, ConnectionRight::kUse));
  EXPECT_EQ(connection.permissions["use"],
            (config::Json{{"mode", "groups"}, {"groups", {"engineers"}}}));
}

TEST_F(PermissionsTest, AMalformedRuleIsAnErrorNotAGrant) {
  config::ConnectionConfig connection{"dbx",
                                      "databricks",
                                      "",
                                      config::Json::object(),
                                      config::Json{{"use", {{"mode", "everybody"}}}},
                                      "dbx.json"};
  auto result = HasConnectionRight(User("ann"), connection, ConnectionRight::kUse);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kInvalidInput);
}

TEST_F(PermissionsTest, TheEmbeddedDefaultsAreUsableByEveryoneButFreeSqlIsNot) {
  auto sqlite = *home().LoadConnection("sqlite_default");
  EXPECT_TRUE(*HasConnectionRight(User("bob"), sqlite, ConnectionRight::kUse));
  EXPECT_FALSE(*HasConnectionRight(User("bob"), sqlite, ConnectionRight::kFreeSql));
}

}  // namespace
}  // namespace mortar::security
