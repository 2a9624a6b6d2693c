#include "mortar/config/home.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "mortar/security/vault.h"
#include "testing/temp_home.h"

namespace mortar::config {
namespace {

TEST(HomeTest, InitCreatesLayoutAndOwnerOnlyKey) {
  testing::TempHome temp;
  const Home& home = temp.home();
  EXPECT_TRUE(std::filesystem::exists(home.DriversDir() / "databricks"));
  struct stat info {};
  ASSERT_EQ(::stat(home.KeyFile().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto vault = security::Vault::Open(home);
  ASSERT_TRUE(vault.ok()) << vault.status().ToString();
  auto names = home.ListConnections();
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"filesystem_default", "sqlite_default"}));
  EXPECT_TRUE(Home::Init(temp.root()).ok());  // harmless twice
  EXPECT_EQ(home.FindUser("admin")->admin, true);
}

TEST(HomeTest, KeyReadableByOthersIsRefused) {
  testing::TempHome temp;
  std::filesystem::permissions(temp.home().KeyFile(), std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  auto key = security::Vault::Open(temp.home());
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("chmod 600"), std::string::npos);
}

TEST(HomeTest, MalformedFilesNameFileLineAndField) {
  testing::TempHome temp;
  temp.WriteFile("connections/broken.json", "{\n  \"name\": \"broken\",\n  \"type\": \n}");
  auto broken = temp.home().LoadConnection("broken");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("broken.json: line 4, column 1"), std::string::npos)
      << broken.status().message();

  temp.WriteFile("connections/typo.json", R"({"name": "typo", "type": "sqlite", "parmas": {}})");
  auto typo = temp.home().LoadConnection("typo");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("field 'parmas': unknown field"), std::string::npos);

  temp.WriteFile("connections/wrong.json", R"({"name": "wrong", "type": 7})");
  auto wrong = temp.home().LoadConnection("wrong");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("field 'type': expected a string, found a number"),
            std::string::npos);

  auto missing = temp.home().LoadConnection("nope");
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(temp.home().LoadConnection("../etc").ok());
}

TEST(HomeTest, DatasetSchemaErrorsNameTheField) {
  testing::TempHome temp;
  temp.WriteFile(
      "projects/test/datasets/d.json",
      R"({"name": "d", "connection": "c", "type": "files", "schema": [{"name": "a", "type": "int65"}]})");
  auto project = temp.home().OpenProject("test");
  ASSERT_TRUE(project.ok());
  auto dataset = project->LoadDataset("d");
  ASSERT_FALSE(dataset.ok());
  EXPECT_NE(dataset.status().message().find("field 'schema[0].type'"), std::string::npos)
      << dataset.status().message();
}

TEST(HomeTest, UnknownConnectionTypeIsAClearError) {
  testing::TempHome temp;
  temp.WriteFile("connections/odd.json", R"({"name": "odd", "type": "oracle", "params": {}})");
  auto context = temp.MakeContext();
  auto connection = context->GetConnection("odd");
  ASSERT_FALSE(connection.ok());
  EXPECT_NE(connection.status().message().find("unknown connection type 'oracle'"),
            std::string::npos);
  EXPECT_NE(connection.status().message().find("filesystem"), std::string::npos);
}

}  // namespace
}  // namespace mortar::config
