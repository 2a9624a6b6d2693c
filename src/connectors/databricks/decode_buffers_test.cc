#include "connectors/databricks/decode_buffers.h"

#include <arrow/buffer.h>
#include <gtest/gtest.h>

namespace mortar::databricks {
namespace {

TEST(DecodeBuffersTest, ABufferNobodyHoldsIsTakenAgain) {
  DecodeBuffers buffers;
  auto first = buffers.Take(1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const uint8_t* data = (*first)->data();
  first = Status::Internal("released");
  auto again = buffers.Take(800);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->data(), data);
  EXPECT_EQ((*again)->size(), 800);
}

TEST(DecodeBuffersTest, ABufferStillHeldIsNeverHandedOutTwice) {
  DecodeBuffers buffers;
  auto first = buffers.Take(1000);
  auto second = buffers.Take(1000);
  auto third = buffers.Take(1000);
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  EXPECT_NE((*first)->data(), (*second)->data());
  EXPECT_NE((*second)->data(), (*third)->data());
  EXPECT_NE((*first)->data(), (*third)->data());
  // Two are kept (the second and third); the first is its holder's alone.
  std::shared_ptr<arrow::ResizableBuffer> held_first = *first;
  EXPECT_EQ(held_first.use_count(), 2);  // `first` and `held_first`
  const uint8_t* third_data = (*third)->data();
  third = Status::Internal("released");
  auto fourth = buffers.Take(900);
  ASSERT_TRUE(fourth.ok());
  EXPECT_EQ((*fourth)->data(), third_data);
}

TEST(DecodeBuffersTest, AKeptBufferTooSmallIsReplacedNotGrown) {
  DecodeBuffers buffers;
  {
    auto small = buffers.Take(100);
    ASSERT_TRUE(small.ok());
  }
  auto large = buffers.Take(1 << 20);
  ASSERT_TRUE(large.ok());
  EXPECT_EQ((*large)->size(), 1 << 20);
  EXPECT_GE((*large)->capacity(), 1 << 20);
}

TEST(DecodeBuffersTest, ABufferGrownPastTheBoundIsLetGo) {
  DecodeBuffers buffers;
  const uint8_t* grown = nullptr;
  {
    auto taken = buffers.Take(100);
    ASSERT_TRUE(taken.ok());
    // The decompression grows a buffer when the file is larger than its hint said.
    ASSERT_TRUE((*taken)->Resize(DecodeBuffers::kMaxKeptBytes + 1, false).ok());
    grown = (*taken)->data();
  }
  auto next = buffers.Take(100);
  ASSERT_TRUE(next.ok());
  EXPECT_NE((*next)->data(), grown);
  EXPECT_LE((*next)->capacity(), DecodeBuffers::kMaxKeptBytes);
}

TEST(DecodeBuffersTest, BuffersPastTheBoundAreNotKept) {
  DecodeBuffers buffers;
  const uint8_t* data = nullptr;
  {
    auto huge = buffers.Take(DecodeBuffers::kMaxKeptBytes + 1);
    ASSERT_TRUE(huge.ok());
    EXPECT_EQ((*huge).use_count(), 1);  // only the caller holds it
    data = (*huge)->data();
  }
  auto next = buffers.Take(DecodeBuffers::kMaxKeptBytes + 1);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ((*next).use_count(), 1);
  (void)data;
}

}  // namespace
}  // namespace mortar::databricks
