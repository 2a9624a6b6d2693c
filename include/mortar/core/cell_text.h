// One cell of an Arrow array as text: for display (tables, CSV-like output), as JSON
// (numbers stay numbers, decimals stay exact strings, NaN and infinities are strings), and nested
// values as JSON text for stores without nested types (CSV, SQLite). Thread-safe.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <string>

#include "mortar/core/result.h"

namespace mortar {

// A string array holding each value of a nested (array, map, struct) array as JSON
// text.
Result<std::shared_ptr<arrow::Array>> NestedToJsonText(const arrow::Array& nested);

// One cell as display text ("" for null), and as JSON text.
std::string CellToText(const arrow::Array& array, int64_t index);
std::string CellToJson(const arrow::Array& array, int64_t index);
// One cell as people read it in a table ("" for null): doubles and floats without binary
// noise (FormatDoubleForDisplay), everything else as CellToText.
std::string CellToDisplayText(const arrow::Array& array, int64_t index);
// CellToDisplayText cut to at most max_bytes of UTF-8 (at a character's start) and then
// marked with "…", for previews that show many cells at once.
std::string CellToPreviewText(const arrow::Array& array, int64_t index, std::size_t max_bytes);
// A cell of a decimal128 array in plain notation at its type's scale (FormatDecimal).
std::string DecimalCellText(const arrow::Array& decimals, int64_t index);

}  // namespace mortar
