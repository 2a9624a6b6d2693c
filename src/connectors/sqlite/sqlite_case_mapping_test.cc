#include "connectors/sqlite/sqlite_case_mapping.h"

#include <gtest/gtest.h>

namespace mortar::sqlite {
namespace {

TEST(SqliteCaseMappingTest, MapsLettersOfEveryScriptAndLeavesTheRest) {
  EXPECT_EQ(UnicodeUpper("zürich élan кафе αθηνα æ 1-2"), "ZÜRICH ÉLAN КАФЕ ΑΘΗΝΑ Æ 1-2");
  EXPECT_EQ(UnicodeLower("ZÜRICH ÉLAN КАФЕ ΑΘΗΝΑ Æ 1-2"), "zürich élan кафе αθηνα æ 1-2");
  EXPECT_EQ(UnicodeUpper("東京 😀"), "東京 😀");
  // Bytes that are not UTF-8 (a lone continuation byte, an overlong '/', a cut-off
  // sequence) stay as they are; the letters around them still change.
  EXPECT_EQ(UnicodeUpper("a\x80"
                         "b\xC0\xAF"
                         "c\xE4\xB8"),
            "A\x80"
            "B\xC0\xAF"
            "C\xE4\xB8");
}

}  // namespace
}  // namespace mortar::sqlite
