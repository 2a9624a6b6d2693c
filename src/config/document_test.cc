#include "mortar/config/document.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <thread>

namespace mortar::config {
namespace {

namespace fs = std::filesystem;

class DocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("mortar-document-test-" + std::to_string(getpid()));
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }
  fs::path folder_;
};

TEST_F(DocumentTest, AJsonFileLargerThanMortarsOwnIsRefusedUnread) {
  fs::path big = folder_ / "dataset.json";
  {
    std::ofstream out(big);
    out << "{\"padding\": \"" << std::string(kMaxJsonFileBytes, 'x') << "\"}";
  }
  auto read = ReadJsonFile(big);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("larger than a Mortar file is (16 MiB at most)"),
            std::string::npos)
      << read.status().ToString();
  // A FIFO has no size to check first: the reading stops at the limit.
  fs::path fifo = folder_ / "endless.json";
  std::signal(SIGPIPE, SIG_IGN);  // the writer is cut off when the reading stops
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::ofstream out(fifo);
    std::string block(1 << 20, ' ');
    for (int i = 0; i < 64 && out; ++i) out << block;
  });
  auto endless = ReadJsonFile(fifo);
  writer.join();
  ASSERT_FALSE(endless.ok());
  EXPECT_NE(endless.status().message().find("larger than a Mortar file is"), std::string::npos);
  // A small one reads.
  std::ofstream(folder_ / "small.json") << "{\"a\": 1}";
  auto small = ReadJsonFile(folder_ / "small.json");
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  EXPECT_EQ((*small)["a"], 1);
}

}  // namespace
}  // namespace mortar::config
