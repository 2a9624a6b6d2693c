// The parts that S3 and Azure Blob file stores share, over in-memory objects. The
// stores themselves are tested against the stand-in (tests/integration/test_cloud_files.py).
#include "connectors/cloud_file_store.h"

#include <arrow/buffer.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace mortar {
namespace {

TEST(CloudFileStoreTest, PathsStayInsideTheBucket) {
  EXPECT_TRUE(CheckCloudPath("lake", "sales/2024.csv").ok());
  for (const char* path : {"", "/etc/passwd", "..", "../x", "a/../../x", "a/.."}) {
    Status status = CheckCloudPath("lake", path);
    EXPECT_FALSE(status.ok()) << path;
    EXPECT_NE(status.message().find("connection 'lake'"), std::string::npos);
  }
}

TEST(CloudFileStoreTest, AFolderIsItsDirectDataFilesInNameOrder) {
  std::vector<StoredFile> objects = {{"t/part-1.parquet", 3, "b"}, {"t/_SUCCESS", 0, "c"},
                                     {"t/.hidden", 1, "d"},        {"t/sub/x.parquet", 4, "e"},
                                     {"t/part-0.parquet", 5, "f"}, {"tx/part-9.parquet", 6, "g"}};
  std::vector<std::string> asked;
  // The store lists by prefix; what it answers may hold names that only share it.
  PrefixLister list = [&](const std::string& prefix) -> Result<std::vector<StoredFile>> {
    asked.push_back(prefix);
    return objects;
  };
  auto files = *FolderFiles("t/", list);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "t/part-0.parquet");
  EXPECT_EQ(files[0].size, 5);
  EXPECT_EQ(files[1].path, "t/part-1.parquet");
  // A single object at the path is the dataset's one file.
  objects.push_back({"t", 7, "h"});
  files = *FolderFiles("t", list);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].size, 7);
  EXPECT_TRUE(FolderFiles("nothing", list)->empty());
  EXPECT_EQ(asked, (std::vector<std::string>{"t", "t", "nothing"}));
  PrefixLister failing = [](const std::string&) -> Result<std::vector<StoredFile>> {
    return Status::NotFound("no bucket");
  };
  EXPECT_EQ(FolderFiles("t", failing).status().code(), ErrorCode::kNotFound);
}

TEST(CloudFileStoreTest, RangedFileReadsOnlyWhatIsAskedAndCatchesShortReads) {
  std::string object = "0123456789abcdef";
  std::vector<std::pair<int64_t, int64_t>> asked;
  bool short_reads = false;
  RangedFile file(
      [&](int64_t offset, int64_t length) -> Result<std::string> {
        asked.emplace_back(offset, length);
        return object.substr(static_cast<std::size_t>(offset),
                             static_cast<std::size_t>(short_reads ? length - 1 : length));
      },
      "connection 'lake': x", static_cast<int64_t>(object.size()));
  auto tail = file.ReadAt(10, 100);  // clipped to the object's end
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ((*tail)->ToString(), "abcdef");
  ASSERT_TRUE(file.Seek(2).ok());
  auto read = file.Read(3);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ((*read)->ToString(), "234");
  EXPECT_EQ(*file.Tell(), 5);
  EXPECT_EQ(asked, (std::vector<std::pair<int64_t, int64_t>>{{10, 6}, {2, 3}}));
  short_reads = true;
  auto failed = file.ReadAt(0, 4);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("connection 'lake': x"), std::string::npos);
}

TEST(CloudFileStoreTest, DownloadsInChunksAndAReplacementGoesAwayUnlessCommitted) {
  std::string object(10000, 'x');
  int requests = 0;
  RangeReader read = [&](int64_t offset, int64_t length) -> Result<std::string> {
    ++requests;
    return object.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
  };
  std::string uploaded;
  auto replacement = ReplaceByUpload(
      "data/out.csv", /*keep_content=*/true,
      [&](const std::filesystem::path& local) {
        std::ifstream in(local);
        std::stringstream text;
        text << in.rdbuf();
        uploaded = text.str();
        return Status::OK();
      },
      [&](const std::filesystem::path& local) {
        return DownloadInRanges(read, static_cast<int64_t>(object.size()), 4096, local);
      });
  ASSERT_TRUE(replacement.ok()) << replacement.status().ToString();
  EXPECT_EQ(requests, 3);
  auto local = (*replacement)->local();
  EXPECT_EQ(local.filename(), "out.csv");
  EXPECT_EQ(std::filesystem::file_size(local), object.size());
  std::ofstream(local, std::ios::app) << "y";
  ASSERT_TRUE((*replacement)->Commit().ok());
  EXPECT_EQ(uploaded, object + "y");
  EXPECT_FALSE(std::filesystem::exists(local.parent_path()));

  // A server that ignores the range, or an object shorter than listed: refused.
  std::filesystem::path whole = std::filesystem::temp_directory_path() / "mortar-ranges-test";
  RangeReader ignores_ranges = [&](int64_t, int64_t) -> Result<std::string> { return object; };
  Status wrong = DownloadInRanges(ignores_ranges, static_cast<int64_t>(object.size()), 4096, whole);
  EXPECT_NE(wrong.message().find("answered 10000 bytes for the 4096 bytes at offset 0"),
            std::string::npos)
      << wrong.ToString();
  Status shorter = DownloadInRanges(read, 20000, 8192, whole);
  EXPECT_NE(shorter.message().find("for the 8192 bytes at offset 8192"), std::string::npos)
      << shorter.ToString();
  std::filesystem::remove(whole);

  auto abandoned = ReplaceByUpload(
      "x.csv", false, [](const std::filesystem::path&) { return Status::OK(); },
      [](const std::filesystem::path&) { return Status::OK(); });
  ASSERT_TRUE(abandoned.ok());
  auto folder = (*abandoned)->local().parent_path();
  EXPECT_TRUE(std::filesystem::exists(folder));
  abandoned->reset();  // destroyed without Commit: nothing left behind
  EXPECT_FALSE(std::filesystem::exists(folder));
}

}  // namespace
}  // namespace mortar
