#include "mortar/core/cell_text.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

namespace mortar {
namespace {

// Found by fuzz/arrow_input_fuzzer.cc: binary that is not UTF-8 inside a nested value
// made the JSON text throw (and end the process) when a CSV writer wrote it.
TEST(CellTextTest, NestedBinaryThatIsNotUtf8BecomesReplacementCharacters) {
  arrow::ListBuilder list(arrow::default_memory_pool(), std::make_shared<arrow::BinaryBuilder>());
  auto& values = static_cast<arrow::BinaryBuilder&>(*list.value_builder());
  ASSERT_TRUE(list.Append().ok());
  ASSERT_TRUE(values.Append(std::string("a\xee", 2)).ok());
  std::shared_ptr<arrow::Array> array;
  ASSERT_TRUE(list.Finish(&array).ok());
  auto text = NestedToJsonText(*array);
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_EQ(static_cast<const arrow::StringArray&>(**text).GetString(0), "[\"a\xef\xbf\xbd\"]");
  EXPECT_EQ(CellToText(*array, 0), "[\"a\xef\xbf\xbd\"]");
}

}  // namespace
}  // namespace mortar
