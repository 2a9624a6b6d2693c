#include "connectors/databricks/lz4_frame_stream.h"

#include <arrow/buffer.h>
#include <gtest/gtest.h>
#include <lz4frame.h>

#include <string>

namespace mortar::databricks {
namespace {

// One frame. Databricks' files have 4 MiB blocks; 64 KiB ones make several per frame
// with little data.
std::string Lz4(const std::string& plain, LZ4F_blockSizeID_t blocks = LZ4F_max64KB,
                bool checksums = false) {
  LZ4F_preferences_t preferences{};
  preferences.frameInfo.blockSizeID = blocks;
  preferences.frameInfo.blockMode = LZ4F_blockIndependent;
  if (checksums) {
    preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    preferences.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
  }
  std::string out(LZ4F_compressFrameBound(plain.size(), &preferences), '\0');
  std::size_t size =
      LZ4F_compressFrame(out.data(), out.size(), plain.data(), plain.size(), &preferences);
  EXPECT_FALSE(LZ4F_isError(size));
  out.resize(size);
  return out;
}

std::string Text(std::size_t size, unsigned seed) {
  std::string text(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    seed = seed * 1103515245u + 12345u;
    text[i] = static_cast<char>('a' + (seed >> 16) % 7);
  }
  return text;
}

TEST(Lz4FrameInputStreamTest, ReadsFramesBackToBackInPiecesOfAnySize) {
  for (auto blocks : {LZ4F_max64KB, LZ4F_max4MB}) {
    SCOPED_TRACE(blocks == LZ4F_max4MB ? "4 MiB blocks" : "64 KiB blocks");
    std::string first = Text(blocks == LZ4F_max4MB ? 9000000 : 300000, 1);
    std::string second = Text(70000, 2);
    auto stream = Lz4FrameInputStream::Open(
        Lz4(first, blocks) + Lz4(second, blocks, /*checksums=*/true), 1 << 30);
    ASSERT_TRUE(stream.ok());
    std::string read;
    std::size_t piece = 1;
    while (true) {
      auto buffer = (*stream)->Read(static_cast<int64_t>(piece));
      ASSERT_TRUE(buffer.ok()) << buffer.status().ToString();
      read += (*buffer)->ToString();
      EXPECT_EQ((*stream)->Tell().ValueOrDie(), static_cast<int64_t>(read.size()));
      if ((*buffer)->size() < static_cast<int64_t>(piece)) break;
      piece = piece * 7 + 3;
    }
    EXPECT_TRUE(read == first + second);
    // At the end: nothing more, no error.
    char byte;
    EXPECT_EQ((*stream)->Read(1, &byte).ValueOrDie(), 0);
  }
}

TEST(Lz4FrameInputStreamTest, AReadWithinABlockIsASliceOfItAndOneAcrossIsCopied) {
  std::string plain = Text(9000000, 5);  // three 4 MiB blocks, the last part full
  auto stream = Lz4FrameInputStream::Open(Lz4(plain, LZ4F_max4MB, /*checksums=*/true), 1 << 30);
  ASSERT_TRUE(stream.ok());
  auto head = (*stream)->Read(1000);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_TRUE((*head)->ToString() == plain.substr(0, 1000));
  EXPECT_NE((*head)->parent(), nullptr);   // a slice of the block, not a copy
  auto across = (*stream)->Read(4 << 20);  // from the first block into the second
  ASSERT_TRUE(across.ok()) << across.status().ToString();
  EXPECT_TRUE((*across)->ToString() == plain.substr(1000, 4 << 20));
  EXPECT_EQ((*across)->parent(), nullptr);
  auto rest = (*stream)->Read(int64_t{1} << 30);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_TRUE((*rest)->ToString() == plain.substr(1000 + (4 << 20)));
  EXPECT_EQ((*stream)->Tell().ValueOrDie(), static_cast<int64_t>(plain.size()));
}

TEST(Lz4FrameInputStreamTest, DecompressesOnlyWhatIsAsked) {
  std::string plain = Text(1 << 20, 3);
  auto stream = Lz4FrameInputStream::Open(Lz4(plain), 1 << 30);
  ASSERT_TRUE(stream.ok());
  std::string head(100, '\0');
  ASSERT_EQ((*stream)->Read(100, head.data()).ValueOrDie(), 100);
  EXPECT_EQ(head, plain.substr(0, 100));
  EXPECT_EQ((*stream)->Tell().ValueOrDie(), 100);
  // A length that no input this size could fill is not allocated whole.
  auto rest = (*stream)->Read(int64_t{1} << 40);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ((*rest)->ToString(), plain.substr(100));
}

TEST(Lz4FrameInputStreamTest, TheInputsMemoryGoesToTheSparesWhenDone) {
  auto spares = std::make_shared<SpareBuffers>(2);
  std::string compressed = Lz4(Text(100000, 4));
  const std::size_t size = compressed.size();
  {
    auto stream = Lz4FrameInputStream::Open(std::move(compressed), 1 << 30, spares);
    ASSERT_TRUE(stream.ok());
    auto all = (*stream)->Read(100000);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ((*all)->ToString(), Text(100000, 4));  // its own memory, not the input's
  }
  std::string spare = spares->Take();
  EXPECT_TRUE(spare.empty());
  EXPECT_GE(spare.capacity(), size);
  EXPECT_EQ(spares->Take().capacity(), std::string().capacity());  // one input, one spare
}

TEST(Lz4FrameInputStreamTest, ACutFrameACorruptOneAndTooMuchAreErrors) {
  std::string plain = Text(200000, 4);
  std::string compressed = Lz4(plain);
  auto cut = Lz4FrameInputStream::Open(compressed.substr(0, compressed.size() / 2), 1 << 30);
  auto cut_read = (*cut)->Read(int64_t{1} << 20);
  ASSERT_FALSE(cut_read.ok());
  EXPECT_NE(cut_read.status().message().find("middle of a frame"), std::string::npos);

  auto corrupt = Lz4FrameInputStream::Open("not lz4 at all", 1 << 30);
  auto corrupt_read = (*corrupt)->Read(10);
  ASSERT_FALSE(corrupt_read.ok());
  EXPECT_NE(corrupt_read.status().message().find("LZ4"), std::string::npos);

  auto bounded = Lz4FrameInputStream::Open(compressed, 100000);
  auto bounded_read = (*bounded)->Read(int64_t{1} << 20);
  ASSERT_FALSE(bounded_read.ok());
  EXPECT_NE(bounded_read.status().message().find("refused"), std::string::npos)
      << bounded_read.status().ToString();
}

}  // namespace
}  // namespace mortar::databricks
