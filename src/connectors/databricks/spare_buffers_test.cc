#include "connectors/databricks/spare_buffers.h"

#include <gtest/gtest.h>

#include <string>

namespace mortar::databricks {
namespace {

TEST(SpareBuffersTest, KeepsAsManyBuffersAsAskedEmptiedWithTheirMemory) {
  SpareBuffers spares(2);
  EXPECT_EQ(spares.Take().capacity(), std::string().capacity());  // none yet: a new one
  for (int i = 0; i < 3; ++i) spares.Give(std::string(1000, 'x'));
  spares.Give(std::string());  // no memory: not kept
  for (int i = 0; i < 2; ++i) {
    std::string buffer = spares.Take();
    EXPECT_TRUE(buffer.empty());
    EXPECT_GE(buffer.capacity(), 1000u);
  }
  EXPECT_LT(spares.Take().capacity(), 1000u);  // the third was freed
}

}  // namespace
}  // namespace mortar::databricks
