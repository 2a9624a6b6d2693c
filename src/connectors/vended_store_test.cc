#include "connectors/vended_store.h"

#include <gtest/gtest.h>

namespace mortar {
namespace {

TEST(StorageUrlTest, SplitsSchemeRootAndTheKeysPrefix) {
  auto table = SplitStorageUrl("s3://metastore/tables/3f2a/");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->scheme, "s3");
  EXPECT_EQ(table->root, "metastore");
  EXPECT_EQ(table->prefix, "tables/3f2a/");
  EXPECT_EQ(SplitStorageUrl("s3://b/a//")->prefix, "a/");
  EXPECT_EQ(SplitStorageUrl("s3://b/a/c")->prefix, "a/c/");
  EXPECT_EQ(SplitStorageUrl("s3://b")->prefix, "");
  EXPECT_EQ(SplitStorageUrl("s3://b/")->prefix, "");
  auto azure = SplitStorageUrl("abfss://box@account.dfs.core.windows.net/t");
  ASSERT_TRUE(azure.ok());
  EXPECT_EQ(azure->root, "box@account.dfs.core.windows.net");
}

TEST(StorageUrlTest, RefusesAUrlWithoutSchemeOrRoot) {
  EXPECT_FALSE(SplitStorageUrl("bucket/path").ok());
  EXPECT_FALSE(SplitStorageUrl("://bucket/path").ok());
  EXPECT_FALSE(SplitStorageUrl("s3:///path").ok());
  EXPECT_FALSE(SplitStorageUrl("").ok());
}

TEST(StorageUrlTest, AStoreIsOpenedOnlyForASchemeWithAnOpener) {
  auto opened = OpenVendedStore({"uc", "gs://bucket/t", "", "", "", "", "", ""});
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("'gs://' is not one Mortar reads"), std::string::npos)
      << opened.status().message();
  EXPECT_FALSE(OpenVendedStore({"uc", "nonsense", "", "", "", "", "", ""}).ok());
}

}  // namespace
}  // namespace mortar
