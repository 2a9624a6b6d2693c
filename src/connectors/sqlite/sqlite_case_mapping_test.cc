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

TEST(SqliteCaseMappingTest, MapsLettersWhoseOtherCaseIsLongerAsDatabricksDoes) {
  // Capitals of more than one letter (SpecialCasing.txt), as Spark's upper gives them.
  EXPECT_EQ(UnicodeUpper("straße ﬁx ᾳ ŉ"), "STRASSE FIX ΑΙ ʼN");
  // The Greek capital sigma lowers to ς at a word's end, σ elsewhere; İ to i and a dot.
  EXPECT_EQ(UnicodeLower("ΟΔΟΣ ΣΟΦΙΑ ΟΔΟΣ. Σ İ"), "οδος σοφια οδος. σ i\xCC\x87");
  EXPECT_EQ(UnicodeLower("Σ"), "σ");
}

}  // namespace
}  // namespace mortar::sqlite
