#include "mortar/security/vault.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "mortar/config/document.h"
#include "mortar/security/accounts.h"
#include "testing/temp_home.h"

namespace mortar::security {
namespace {

constexpr char kSecret[] = "dapi-very-secret-0123456789";

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(VaultTest, SecretsAreEncryptedAtRestAndComeBack) {
  testing::TempHome temp;
  auto vault = Vault::Open(temp.home());
  ASSERT_TRUE(vault.ok()) << vault.status().ToString();
  ASSERT_TRUE(vault->Put("connection/dbx/token", kSecret).ok());
  auto value = vault->Get("connection/dbx/token");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->value_or(""), kSecret);
  EXPECT_FALSE(vault->Get("connection/other/token")->has_value());
  auto file = temp.root() / "security" / "vault.json";
  EXPECT_EQ(ReadAll(file).find(kSecret), std::string::npos);
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(VaultTest, ForgettingAConnectionRemovesItsSecretsAndEveryUsersOnly) {
  testing::TempHome temp;
  auto vault = *Vault::Open(temp.home());
  for (const char* slot :
       {"connection/dbx/token", "connection/dbx/oauth_client_secret", "connection/dbx2/token",
        "user/alice/connection/dbx/refresh_token", "user/bob/connection/dbx/token",
        "user/alice/connection/dbx2/token", "user/dbx/connection/other/token"}) {
    ASSERT_TRUE(vault.Put(slot, kSecret).ok());
  }
  auto removed = ForgetConnectionSecrets(vault, "dbx");
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 4);
  auto slots = vault.List("");
  ASSERT_TRUE(slots.ok());
  std::vector<std::string> left;
  for (const auto& info : *slots) left.push_back(info.slot);
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left,
            (std::vector<std::string>{"connection/dbx2/token", "user/alice/connection/dbx2/token",
                                      "user/dbx/connection/other/token"}));
}

TEST(VaultTest, ASecretMovedToAnotherSlotOrAlteredDoesNotDecrypt) {
  testing::TempHome temp;
  auto vault = *Vault::Open(temp.home());
  ASSERT_TRUE(vault.Put("user/alice/connection/dbx/token", kSecret).ok());
  auto file = temp.root() / "security" / "vault.json";
  auto json = *config::ReadJsonFile(file);
  json["secrets"]["user/bob/connection/dbx/token"] =
      json["secrets"]["user/alice/connection/dbx/token"];
  ASSERT_TRUE(
      config::WriteJsonFile(
          file, json, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
          .ok());
  auto moved = vault.Get("user/bob/connection/dbx/token");
  ASSERT_FALSE(moved.ok());
  EXPECT_NE(moved.status().message().find("moved from another slot"), std::string::npos);
  EXPECT_EQ(moved.status().message().find(kSecret), std::string::npos);
}

TEST(VaultTest, RotationReEncryptsEverySecretAndRetiresTheOldKey) {
  testing::TempHome temp;
  auto vault = *Vault::Open(temp.home());
  ASSERT_TRUE(vault.Put("a", "one").ok());
  ASSERT_TRUE(vault.Put("b", "two").ok());
  std::string old_keys = ReadAll(temp.home().KeyFile());
  auto rotated = vault.RotateKey();
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  EXPECT_EQ(*rotated, 2);
  EXPECT_EQ(*vault.ActiveKeyId(), "2");
  EXPECT_EQ(vault.Get("a")->value_or(""), "one");
  EXPECT_EQ(vault.Get("b")->value_or(""), "two");
  std::string new_keys = ReadAll(temp.home().KeyFile());
  EXPECT_EQ(new_keys.find(old_keys.substr(2, 64)), std::string::npos) << "old key still present";
  // With the old key file back, the secrets no longer open: they moved to the new key.
  std::ofstream(temp.home().KeyFile()) << old_keys;
  auto stale = vault.Get("a");
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.status().message().find("key '2'"), std::string::npos);
}

TEST(VaultTest, KeyReadableByOthersIsRefused) {
  testing::TempHome temp;
  std::filesystem::permissions(temp.home().KeyFile(), std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  auto vault = Vault::Open(temp.home());
  ASSERT_FALSE(vault.ok());
  EXPECT_NE(vault.status().message().find("chmod 600"), std::string::npos);
}

TEST(VaultTest, ConcurrentModificationsAreSerialised) {
  testing::TempHome temp;
  auto vault = *Vault::Open(temp.home());
  ASSERT_TRUE(vault.Put("counter", "0").ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto status = vault.Modify(
            "counter", [](std::optional<std::string> value) -> Result<std::optional<std::string>> {
              return std::optional<std::string>(std::to_string(std::stoi(value.value_or("0")) + 1));
            });
        EXPECT_TRUE(status.ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(vault.Get("counter")->value_or(""), "40");
}

TEST(AccountsTest, PasswordsAreHashedWithArgon2idAndChecked) {
  testing::TempHome temp;
  config::User alice{"alice", "Alice", {"analysts"}, false};
  ASSERT_TRUE(AddUser(temp.home(), alice, std::string("correct horse")).ok());
  EXPECT_TRUE(Authenticate(temp.home(), "alice", "correct horse").ok());
  auto wrong = Authenticate(temp.home(), "alice", "wrong password");
  auto unknown = Authenticate(temp.home(), "nobody", "correct horse");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
  std::string users = ReadAll(temp.root() / "security" / "users.json");
  EXPECT_EQ(users.find("correct horse"), std::string::npos);
  EXPECT_NE(users.find("$argon2id$"), std::string::npos);
  EXPECT_FALSE(AddUser(temp.home(), alice, std::string("another one")).ok());
  EXPECT_FALSE(HashPassword("short").ok());
}

TEST(AccountsTest, ApiKeysAreStoredAsHashesAndCanBeRevoked) {
  testing::TempHome temp;
  auto key = CreateApiKey(temp.home(), "admin", "script");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*UserForApiKey(temp.home(), *key), "admin");
  EXPECT_EQ(ReadAll(temp.root() / "security" / "api-keys.json").find(key->substr(12)),
            std::string::npos);
  EXPECT_FALSE(UserForApiKey(temp.home(), *key + "x").ok());
  EXPECT_FALSE(UserForApiKey(temp.home(), "garbage").ok());
  auto keys = *ListApiKeys(temp.home(), "admin");
  ASSERT_EQ(keys.size(), 1u);
  ASSERT_TRUE(RevokeApiKey(temp.home(), "admin", keys[0].id).ok());
  EXPECT_FALSE(UserForApiKey(temp.home(), *key).ok());
}

TEST(AccountsTest, ConcurrentKeyChangesDoNotUndoEachOther) {
  testing::TempHome temp;
  std::vector<std::string> created(24);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 24; i += 4) created[i] = *CreateApiKey(temp.home(), "admin", "k");
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ListApiKeys(temp.home(), "admin")->size(), 24u);
  // Revoking half while the others are checked: exactly the other half stays.
  threads.clear();
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 24; i += 4) {
        if (i % 2 == 0) {
          std::string id = created[i].substr(3, created[i].find('_', 3) - 3);
          EXPECT_TRUE(RevokeApiKey(temp.home(), "admin", id).ok());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ListApiKeys(temp.home(), "admin")->size(), 12u);
  for (int i = 0; i < 24; ++i) EXPECT_EQ(UserForApiKey(temp.home(), created[i]).ok(), i % 2 == 1);
}

TEST(AccountsTest, DetailsReadableByDecidesWhoGetsCredentials) {
  testing::TempHome temp;
  ASSERT_TRUE(AddGroup(temp.home(), config::Group{"engineers", ""}).ok());
  ASSERT_TRUE(
      AddUser(temp.home(), config::User{"ann", "", {"engineers"}, false}, std::nullopt).ok());
  ASSERT_TRUE(
      AddUser(temp.home(), config::User{"bob", "", {"analysts"}, false}, std::nullopt).ok());
  config::ConnectionConfig connection{
      "dbx", "databricks", "", config::Json::object(), config::Json::object(), "dbx.json"};
  EXPECT_FALSE(CheckDetailsReadable(temp.home(), connection, "ann").ok());  // default: nobody
  EXPECT_TRUE(CheckDetailsReadable(temp.home(), connection, "admin").ok());
  connection.params["details_readable_by"] = {{"mode", "groups"}, {"groups", {"engineers"}}};
  EXPECT_TRUE(CheckDetailsReadable(temp.home(), connection, "ann").ok());
  auto refused = CheckDetailsReadable(temp.home(), connection, "bob");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("details readable by"), std::string::npos);
  connection.params["details_readable_by"] = {{"mode", "analysts"}};
  EXPECT_TRUE(CheckDetailsReadable(temp.home(), connection, "bob").ok());
}

}  // namespace
}  // namespace mortar::security
