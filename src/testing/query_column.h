// Test support: the first column of each row a query gives, as text ("NULL" for nulls);
// a failing query fails the test.
#pragma once

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mortar/connectors/connection.h"
#include "mortar/core/cell_text.h"

namespace mortar::testing {

inline std::vector<std::string> QueryColumn(SqlConnection& sql, const std::string& query) {
  auto reader = sql.Query(query);
  EXPECT_TRUE(reader.ok()) << query << ": " << reader.status().ToString();
  std::vector<std::string> values;
  if (!reader.ok()) return values;
  while (true) {
    auto batch = (*reader)->Next();
    EXPECT_TRUE(batch.ok()) << query << ": " << batch.status().ToString();
    if (!batch.ok() || !*batch) break;
    for (int64_t row = 0; row < (*batch)->num_rows(); ++row) {
      const arrow::Array& array = *(*batch)->column(0);
      values.push_back(array.IsNull(row) ? "NULL" : CellToText(array, row));
    }
  }
  return values;
}

}  // namespace mortar::testing
