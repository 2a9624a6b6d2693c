#include "mortar/core/path_within.h"

#include <gtest/gtest.h>

namespace mortar {
namespace {

TEST(PathWithinTest, InsideTheFolderOrTheFolderItself) {
  EXPECT_TRUE(PathWithin("/data/files/a.csv", "/data/files"));
  EXPECT_TRUE(PathWithin("/data/files/a/b/../c.csv", "/data/files/"));
  EXPECT_TRUE(PathWithin("/data/files", "/data/files"));
  EXPECT_FALSE(PathWithin("/data/files-other/a.csv", "/data/files"));
  EXPECT_FALSE(PathWithin("/data/files/../secret.key", "/data/files"));
  // Shorter than the folder: outside, read no further than the path's own end.
  EXPECT_FALSE(PathWithin("/", "/data/files"));
  EXPECT_FALSE(PathWithin("/data/files/../..", "/data/files"));
}

}  // namespace
}  // namespace mortar
