#include "http/xml_value.h"

#include <gtest/gtest.h>

namespace mortar::http {
namespace {

TEST(XmlValueTest, DecodesEntitiesOnceAndCharacterReferences) {
  // An object named "dir/a&lt;b" is listed as "dir/a&amp;lt;b": it is that name, not "a<b".
  EXPECT_EQ(DecodeXmlText("dir/a&amp;lt;b"), "dir/a&lt;b");
  EXPECT_EQ(DecodeXmlText("&lt;&gt;&quot;&apos;&amp;"), "<>\"'&");
  EXPECT_EQ(DecodeXmlText("line&#13;&#x0A;end"), "line\r\nend");
  EXPECT_EQ(DecodeXmlText("caf&#xE9; &#128512;"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
  // Not entities: kept as they came.
  EXPECT_EQ(DecodeXmlText("a & b; &nbsp; &#; &#0; &#xD800; &#12345678901;"),
            "a & b; &nbsp; &#; &#0; &#xD800; &#12345678901;");
}

TEST(XmlValueTest, FindsEveryValueOfATag) {
  std::string listing =
      "<ListBucketResult><Contents><Key>a&amp;amp;b</Key></Contents>"
      "<Contents><Key>c/d</Key></Contents></ListBucketResult>";
  EXPECT_EQ(XmlValues(listing, "Key"), (std::vector<std::string>{"a&amp;b", "c/d"}));
  EXPECT_EQ(XmlValue(listing, "Missing"), "");
}

TEST(XmlValueTest, AnElementIsDecodedOnlyInItsLeaves) {
  // A key naming "</Key><Size>999</Size>" is listed escaped: it must not become a key "x"
  // of 999 bytes, nor "a&lt;b" become "a<b", when its <Contents> is looked into.
  std::string listing =
      "<Contents><Key>x&lt;/Key&gt;&lt;Size&gt;999&lt;/Size&gt;</Key><Size>3</Size></Contents>"
      "<Contents><Key>a&amp;lt;b</Key><Size>4</Size></Contents>";
  std::vector<std::string> contents = XmlElements(listing, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(XmlValue(contents[0], "Key"), "x</Key><Size>999</Size>");
  EXPECT_EQ(XmlValue(contents[0], "Size"), "3");
  EXPECT_EQ(XmlValue(contents[1], "Key"), "a&lt;b");
}

}  // namespace
}  // namespace mortar::http
