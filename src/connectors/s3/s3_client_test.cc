// The S3 client against a real S3 server: run by tests/integration/test_cloud_clients.py
// with the stand-in's moto in MORTAR_WS_S3_* (skipped without them; the integration test
// fails if it was skipped).
#include "connectors/s3/s3_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>

namespace mortar::s3 {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

TEST(S3ClientTest, BucketNamesAreCheckedBeforeTheyGoIntoAHostName) {
  for (const char* good : {"lake", "my.bucket-1", "Legacy_Bucket"})
    EXPECT_EQ(S3BucketProblem(good), "");
  for (const char* bad : {"", "a/b", "evil.example?", "evil.example#", "a b", "..", "a@b"})
    EXPECT_NE(S3BucketProblem(bad), "") << bad;
  EXPECT_NE(S3BucketProblem(std::string(256, 'b')), "");
}

TEST(S3ClientLiveTest, MultipartInParallelListAndDeletePrefix) {
  if (Env("MORTAR_WS_S3_ENDPOINT").empty()) GTEST_SKIP() << "no MORTAR_WS_S3_ENDPOINT";
  S3Settings settings;
  settings.connection = "live";
  settings.endpoint = Env("MORTAR_WS_S3_ENDPOINT");
  settings.region = Env("MORTAR_WS_S3_REGION");
  settings.bucket = Env("MORTAR_WS_S3_BUCKET");
  settings.path_style = true;
  settings.credentials = {Env("MORTAR_WS_S3_ACCESS_KEY_ID"), Env("MORTAR_WS_S3_SECRET_ACCESS_KEY"),
                          ""};
  settings.part_bytes = 5 << 20;  // S3's smallest part: an 11 MiB file takes three
  S3Client client(settings);
  std::string prefix = "s3-client-test/" + std::to_string(std::random_device()()) + "/";
  std::string data((11 << 20) + 5, '\0');
  std::mt19937 bytes(3);
  for (auto& c : data) c = static_cast<char>(bytes());
  fs::path file = fs::temp_directory_path() / ("mortar-s3-test-" + std::to_string(getpid()));
  std::ofstream(file, std::ios::binary)
      .write(data.data(), static_cast<std::streamsize>(data.size()));
  Status uploaded = client.UploadFile(file, prefix + "big.bin");
  fs::remove(file);
  ASSERT_TRUE(uploaded.ok()) << uploaded.ToString();
  ASSERT_TRUE(client.PutObject(prefix + "small.txt", "hello").ok());
  auto keys = client.List(prefix);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(*keys, (std::vector<std::string>{prefix + "big.bin", prefix + "small.txt"}));
  auto removed = client.DeletePrefix(prefix);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 2);
}

}  // namespace
}  // namespace mortar::s3
