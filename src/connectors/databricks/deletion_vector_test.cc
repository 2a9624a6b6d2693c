#include "connectors/databricks/deletion_vector.h"

#include <arrow/util/crc32.h>
#include <gtest/gtest.h>

namespace mortar::databricks {
namespace {

// Little-endian bytes, as Roaring's portable form and the Delta bitmap write them.
class Writer {
 public:
  template <typename T>
  Writer& Put(T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      bytes_ += static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xFF);
    }
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Rows {3, 9, 65536 + 7} in one 32-bit bitmap of two array containers, without runs.
std::string TwoArrays(uint32_t magic = 1681511377) {
  Writer out;
  out.Put<uint32_t>(magic).Put<uint64_t>(1).Put<uint32_t>(0);  // one bitmap, high bits 0
  out.Put<uint32_t>(12346).Put<uint32_t>(2);                   // no runs, two containers
  out.Put<uint16_t>(0).Put<uint16_t>(1).Put<uint16_t>(1).Put<uint16_t>(0);  // keys, cards - 1
  out.Put<uint32_t>(0).Put<uint32_t>(0);                                    // offsets
  out.Put<uint16_t>(3).Put<uint16_t>(9).Put<uint16_t>(7);
  return out.bytes();
}

TEST(DeletionVectorTest, Z85DecodesAsZeroMqDefinesIt) {
  auto decoded = Z85Decode("HelloWorld");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, std::string("\x86\x4F\xD2\x6F\xB5\x59\xF7\x5B", 8));
  EXPECT_FALSE(Z85Decode("Hell").ok());    // not a multiple of five
  EXPECT_FALSE(Z85Decode("Hell\"").ok());  // not in the alphabet
  EXPECT_FALSE(Z85Decode("#####").ok());   // above 2^32
}

TEST(DeletionVectorTest, ARelativeVectorIsNamedByItsUuidAfterItsPrefix) {
  // Z85 of the UUID's 16 bytes 00 01 .. 0f.
  std::string uuid_z85 = "009c61o!#m2NH?C3>iWS";
  ASSERT_EQ(Z85Decode(uuid_z85)->size(), 16u);
  DeletionVectorDescriptor vector{'u', "ab" + uuid_z85, 1, 34, 2};
  auto path = RelativeVectorPath(vector);
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(*path, "ab/deletion_vector_00010203-0405-0607-0809-0a0b0c0d0e0f.bin");
  vector.path_or_inline = uuid_z85;
  EXPECT_EQ(*RelativeVectorPath(vector),
            "deletion_vector_00010203-0405-0607-0809-0a0b0c0d0e0f.bin");
  vector.path_or_inline = "../" + uuid_z85;
  EXPECT_FALSE(RelativeVectorPath(vector).ok());
}

TEST(DeletionVectorTest, AVectorAtAnAbsolutePathIsReadOnlyInsideTheTable) {
  DeletionVectorDescriptor vector{'p', "s3://b/t/ab/dv.bin", 1, 34, 2, "ab/dv.bin"};
  EXPECT_EQ(*RelativeVectorPath(vector), "ab/dv.bin");
  for (const std::string outside : {"s3://b/other/dv.bin", "/t/dv.bin", "../dv.bin", ""}) {
    vector.path_in_table = outside;
    EXPECT_FALSE(RelativeVectorPath(vector).ok()) << outside;
  }
}

TEST(DeletionVectorTest, ArrayContainersHoldTheirRows) {
  auto rows = DeletedRows::Parse(TwoArrays(), 3, "a.parquet");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  for (uint64_t row : {3ULL, 9ULL, 65536ULL + 7}) EXPECT_TRUE(rows->Contains(row)) << row;
  for (uint64_t row : {0ULL, 4ULL, 7ULL, 65536ULL, 65536ULL + 3, 1ULL << 32})
    EXPECT_FALSE(rows->Contains(row));
  // Delta's older native form: a 32-bit count, then each bitmap after its length (its
  // index is its high bits).
  std::string native = TwoArrays(1681511376);
  native.erase(4, 12);
  const auto length = static_cast<char>(native.size() - 4);
  native.insert(4, std::string("\x01\x00\x00\x00", 4) + length + std::string(3, '\0'));
  auto from_native = DeletedRows::Parse(native, 3, "a.parquet");
  ASSERT_TRUE(from_native.ok()) << from_native.status().message();
  EXPECT_TRUE(from_native->Contains(65536 + 7));
}

TEST(DeletionVectorTest, RunAndBitmapContainersAndHighBitsHoldTheirRows) {
  Writer out;
  out.Put<uint32_t>(1681511377).Put<uint64_t>(2);
  // Bitmap 1 (high bits 0): a run container [10, 14] and a bitmap container (key 1).
  out.Put<uint32_t>(0).Put<uint32_t>(12347 | (1u << 16));  // runs, two containers
  out.Put<uint8_t>(0b01);                                  // the first is a run container
  out.Put<uint16_t>(0).Put<uint16_t>(4).Put<uint16_t>(1).Put<uint16_t>(4999);
  out.Put<uint16_t>(1).Put<uint16_t>(10).Put<uint16_t>(4);  // one run: start 10, length 5
  for (int word = 0; word < 1024; ++word) {
    // 5000 rows: every bit of words 0..77, and 8 of word 78.
    out.Put<uint64_t>(word < 78 ? ~0ULL : word == 78 ? 0xFFULL : 0);
  }
  // Bitmap 2 (high bits 5): one array container of row 42.
  out.Put<uint32_t>(5).Put<uint32_t>(12346).Put<uint32_t>(1);
  out.Put<uint16_t>(0).Put<uint16_t>(0).Put<uint32_t>(0).Put<uint16_t>(42);
  auto rows = DeletedRows::Parse(out.bytes(), 5 + 5000 + 1, "b.parquet");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  for (uint64_t row : {10ULL, 14ULL, 65536ULL, 65536ULL + 4999, (5ULL << 32) + 42}) {
    EXPECT_TRUE(rows->Contains(row)) << row;
  }
  for (uint64_t row : {9ULL, 15ULL, 65536ULL + 5000, (5ULL << 32) + 41, 42ULL}) {
    EXPECT_FALSE(rows->Contains(row)) << row;
  }
}

TEST(DeletionVectorTest, CorruptBitmapsAreRefusedSayingWhose) {
  std::string good = TwoArrays();
  auto wrong_count = DeletedRows::Parse(good, 4, "a.parquet");
  ASSERT_FALSE(wrong_count.ok());
  EXPECT_EQ(wrong_count.status().message(),
            "the deletion vector of a.parquet is corrupt: it holds 3 rows where the log says 4");
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_FALSE(DeletedRows::Parse(good.substr(0, cut), 3, "a.parquet").ok()) << cut;
  }
  EXPECT_FALSE(DeletedRows::Parse(good + "x", 3, "a.parquet").ok());
  std::string unordered = good;  // the first container's values 3, 9 made 60, 50
  unordered[unordered.size() - 6] = 60;
  unordered[unordered.size() - 4] = 50;
  EXPECT_FALSE(DeletedRows::Parse(unordered, 3, "a.parquet").ok());
  std::string bad_magic = good;
  bad_magic[0] = 0;
  EXPECT_NE(DeletedRows::Parse(bad_magic, 3, "a.parquet")
                .status()
                .message()
                .find("not a Roaring bitmap array"),
            std::string::npos);
  Writer huge;
  huge.Put<uint32_t>(1681511377).Put<uint64_t>(1ULL << 40);
  EXPECT_FALSE(DeletedRows::Parse(huge.bytes(), 0, "a.parquet").ok());
}

// Z85 of whole groups of four bytes, as an inline vector is written.
std::string Z85Encode(std::string bytes) {
  static constexpr char kAlphabet[] =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 4) {
    uint32_t value = 0;
    for (std::size_t j = 0; j < 4; ++j) value = value << 8 | static_cast<uint8_t>(bytes[i + j]);
    std::string group(5, ' ');
    for (int k = 4; k >= 0; --k, value /= 85)
      group[static_cast<std::size_t>(k)] = kAlphabet[value % 85];
    out += group;
  }
  return out;
}

TEST(DeletionVectorTest, AnInlineVectorIsItsZ85WithoutPadding) {
  std::string bitmap = TwoArrays();  // 34 bytes: two of padding make 36
  DeletionVectorDescriptor vector{'i', Z85Encode(bitmap + std::string(2, '\0')), std::nullopt,
                                  static_cast<int64_t>(bitmap.size()), 3};
  auto inline_bitmap = InlineBitmap(vector);
  ASSERT_TRUE(inline_bitmap.ok()) << inline_bitmap.status().message();
  EXPECT_EQ(*inline_bitmap, bitmap);
  ASSERT_TRUE(DeletedRows::Parse(*inline_bitmap, 3, "a.parquet").ok());
  vector.size_in_bytes = 40;  // more than the text holds
  EXPECT_FALSE(InlineBitmap(vector).ok());
  vector.size_in_bytes = 30;  // more padding than Z85 needs
  EXPECT_FALSE(InlineBitmap(vector).ok());
}

TEST(DeletionVectorTest, AVectorInItsFileIsCheckedBySizeAndChecksum) {
  std::string bitmap = TwoArrays();
  uint32_t crc = arrow::internal::crc32(0, bitmap.data(), bitmap.size());
  auto big_endian = [](uint32_t value) {
    std::string out;
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
    return out;
  };
  const auto size = static_cast<int64_t>(bitmap.size());
  std::string stored = big_endian(static_cast<uint32_t>(size)) + bitmap + big_endian(crc);
  auto read = BitmapInVectorFile(stored, size, "a.parquet");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, bitmap);
  EXPECT_FALSE(BitmapInVectorFile(stored.substr(0, stored.size() - 1), size, "a.parquet").ok());
  std::string flipped = stored;
  flipped[10] ^= 1;
  EXPECT_NE(BitmapInVectorFile(flipped, size, "a.parquet").status().message().find("checksum"),
            std::string::npos);
  std::string resized = stored;
  resized[3] ^= 1;
  EXPECT_FALSE(BitmapInVectorFile(resized, size, "a.parquet").ok());
}

}  // namespace
}  // namespace mortar::databricks
