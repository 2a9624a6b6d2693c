#include "mortar/core/digest.h"

#include <gtest/gtest.h>

namespace mortar {
namespace {

TEST(DigestTest, Sha256HexMatchesThePublishedVectors) {
  // FIPS 180-2 examples.
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(DigestTest, Md5BytesMatchesThePublishedVectors) {
  // RFC 1321's test suite.
  EXPECT_EQ(LowerHex(Md5Bytes("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(LowerHex(Md5Bytes("abc")), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(DigestTest, LowerHexTakesEveryByteValue) {
  EXPECT_EQ(LowerHex(std::string("\x00\x0f\xa0\xff", 4)), "000fa0ff");
  EXPECT_EQ(LowerHex(""), "");
}

}  // namespace
}  // namespace mortar
