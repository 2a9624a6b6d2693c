#include "connectors/browsable_folder.h"

#include <gtest/gtest.h>

namespace mortar {
namespace {

TEST(BrowsableFolderTest, LeavesHiddenNamesOutSortsAndStopsAtTheLimit) {
  auto listing = BrowsableFolder(
      3, {"in/z", "in/_delta_log", "in/a"},
      {{"in/b.csv", 1, ""}, {"in/_SUCCESS", 0, ""}, {"in/.crc", 0, ""}, {"in/a.csv", 2, ""}},
      false);
  EXPECT_EQ(listing.folders, (std::vector<std::string>{"in/a", "in/z"}));
  ASSERT_EQ(listing.files.size(), 2u);
  EXPECT_EQ(listing.files[0].path, "in/a.csv");
  EXPECT_EQ(listing.files[1].path, "in/b.csv");
  EXPECT_FALSE(listing.truncated);

  std::vector<std::string> folders;
  std::vector<StoredFile> files;
  for (int i = 0; i < 3000; ++i) {
    folders.push_back("d" + std::to_string(i));
    files.push_back({"f" + std::to_string(i), 1, ""});
  }
  auto many = BrowsableFolder(0, folders, files, false);
  EXPECT_EQ(many.folders.size(), 3000u);
  EXPECT_EQ(many.files.size(), kMaxFolderEntries - 3000);
  EXPECT_TRUE(many.truncated);
  // The store's own limit says so too.
  EXPECT_TRUE(BrowsableFolder(0, {"a"}, {}, true).truncated);
}

}  // namespace
}  // namespace mortar
