// The Azure Blob client against a real Blob service: run by
// tests/integration/test_cloud_clients.py with the stand-in's Azurite in MORTAR_WS_AZURE_*
// (skipped without them; the integration test fails if it was skipped).
#include "connectors/azure/azure_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "mortar/core/wall_time.h"

namespace mortar::azure {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

class AzureBlobLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Env("MORTAR_WS_AZURE_ENDPOINT").empty()) GTEST_SKIP() << "no MORTAR_WS_AZURE_ENDPOINT";
    settings_.connection = "live";
    settings_.endpoint = Env("MORTAR_WS_AZURE_ENDPOINT");
    settings_.container = Env("MORTAR_WS_AZURE_CONTAINER");
    settings_.credentials.account = Env("MORTAR_WS_AZURE_ACCOUNT");
    settings_.credentials.account_key = Env("MORTAR_WS_AZURE_KEY");
    settings_.block_bytes = 64 << 10;  // small blocks, so that a small file needs several
    std::random_device random;
    prefix_ = "azure-client-test/" + std::to_string(random()) + "/";
  }
  void TearDown() override {
    if (!settings_.endpoint.empty()) (void)AzureBlobClient(settings_).DeletePrefix(prefix_);
  }

  AzureSettings settings_;
  std::string prefix_;
};

TEST_F(AzureBlobLiveTest, BlocksInParallelListGetAndDeletePrefix) {
  AzureBlobClient client(settings_);
  ASSERT_TRUE(client.CheckContainer().ok());
  std::string data(300 * 1024 + 17, '\0');
  std::mt19937 bytes(7);
  for (auto& c : data) c = static_cast<char>(bytes());
  fs::path file = fs::temp_directory_path() / ("mortar-azure-test-" + std::to_string(getpid()));
  std::ofstream(file, std::ios::binary)
      .write(data.data(), static_cast<std::streamsize>(data.size()));
  Status uploaded = client.UploadFile(file, prefix_ + "big file.bin");  // 5 blocks
  fs::remove(file);
  ASSERT_TRUE(uploaded.ok()) << uploaded.ToString();
  ASSERT_TRUE(client.PutBlob(prefix_ + "small.txt", "hello").ok());
  auto names = client.List(prefix_);
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_EQ(*names, (std::vector<std::string>{prefix_ + "big file.bin", prefix_ + "small.txt"}));
  auto big = client.GetBlob(prefix_ + "big file.bin");
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_TRUE(*big == data) << "the committed blocks differ from the file";
  auto small = client.GetBlob(prefix_ + "small.txt");
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  EXPECT_EQ(*small, "hello");
  auto removed = client.DeletePrefix(prefix_);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 2);
  auto after = client.List(prefix_);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

TEST_F(AzureBlobLiveTest, CopiesStayInTheServiceWithAKeyOrASas) {
  AzureBlobClient with_key(settings_);
  ASSERT_TRUE(with_key.PutBlob(prefix_ + "in/a b.txt", "copied, not downloaded").ok());
  Status copied = with_key.CopyBlob(prefix_ + "in/a b.txt", prefix_ + "out/c.txt");
  ASSERT_TRUE(copied.ok()) << copied.ToString();
  auto read = with_key.GetBlob(prefix_ + "out/c.txt");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, "copied, not downloaded");
  AzureSettings sas = settings_;
  sas.credentials.account_key = "";
  sas.credentials.sas_token = Env("MORTAR_WS_AZURE_SAS");
  AzureBlobClient with_sas(sas);
  copied = with_sas.CopyBlob(prefix_ + "out/c.txt", prefix_ + "out/d.txt");
  ASSERT_TRUE(copied.ok()) << copied.ToString();
  read = with_sas.GetBlob(prefix_ + "out/d.txt");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, "copied, not downloaded");
  Status missing = with_key.CopyBlob(prefix_ + "no such blob", prefix_ + "out/e.txt");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("copying " + prefix_ + "no such blob"), std::string::npos)
      << missing.ToString();
  EXPECT_EQ(missing.message().find("sig="), std::string::npos) << missing.ToString();
}

TEST_F(AzureBlobLiveTest, ASasTokenWorksAndAWrongKeyIsRefusedClearly) {
  AzureSettings sas = settings_;
  sas.credentials.account_key = "";
  sas.credentials.sas_token = Env("MORTAR_WS_AZURE_SAS");
  AzureBlobClient with_sas(sas);
  ASSERT_TRUE(with_sas.PutBlob(prefix_ + "sas.txt", "via sas").ok());
  auto listed = with_sas.List(prefix_);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->size(), 1u);

  AzureSettings wrong = settings_;
  wrong.credentials.account_key = "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk=";
  Status refused = AzureBlobClient(wrong).CheckContainer();
  EXPECT_EQ(refused.code(), ErrorCode::kAuth) << refused.ToString();
  EXPECT_NE(refused.message().find("HTTP 403"), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("check the account name and the account key"),
            std::string::npos);
  EXPECT_EQ(refused.message().find(wrong.credentials.account_key), std::string::npos);

  AzureSettings missing = settings_;
  missing.container = "no-such-container-mortar";
  Status not_found = AzureBlobClient(missing).CheckContainer();
  EXPECT_EQ(not_found.code(), ErrorCode::kNotFound) << not_found.ToString();
  EXPECT_NE(not_found.message().find("create the container"), std::string::npos);
}

// The read-and-list SAS Mortar signs for COPY INTO from an account key: the service
// accepts it for reads and listings, and refuses writes with it.
TEST_F(AzureBlobLiveTest, ASasSignedFromTheKeyReadsAndListsOnly) {
  AzureBlobClient with_key(settings_);
  ASSERT_TRUE(with_key.PutBlob(prefix_ + "signed.txt", "staged").ok());
  int64_t now = UnixSeconds();
  auto token = ContainerSas(settings_.credentials.account, settings_.credentials.account_key,
                            settings_.container, "rl", UtcText(now - 300), UtcText(now + 3600));
  ASSERT_TRUE(token.has_value());
  AzureSettings sas = settings_;
  sas.credentials.account_key = "";
  sas.credentials.sas_token = *token;
  AzureBlobClient with_sas(sas);
  auto listed = with_sas.List(prefix_);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(*listed, std::vector<std::string>{prefix_ + "signed.txt"});
  auto read = with_sas.GetBlob(prefix_ + "signed.txt");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, "staged");
  Status write = with_sas.PutBlob(prefix_ + "not-allowed.txt", "x");
  EXPECT_EQ(write.code(), ErrorCode::kAuth) << write.ToString();
  EXPECT_TRUE(with_key.DeletePrefix(prefix_).ok());
}

TEST(SasExpiryTest, ReadsTheDecodedExpiry) {
  EXPECT_EQ(SasExpiry("sv=2022-11-02&se=2026-12-01T00%3A00%3A00Z&sig=x"), "2026-12-01T00:00:00Z");
  EXPECT_EQ(SasExpiry("sv=2022-11-02&sig=x"), "");
}

}  // namespace
}  // namespace mortar::azure
