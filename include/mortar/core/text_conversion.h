// Text columns converted to typed ones: CSV cells, SQLite TEXT columns and string
// results of servers read as the dataset's types. Thread-safe.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <string>

#include "mortar/core/result.h"
#include "mortar/core/types.h"

namespace mortar {

// Where the text came from, for error messages: "orders.csv", row numbers 1-based
// counting data rows (the header is not a row).
struct TextOrigin {
  std::string source;
  std::string column;
  int64_t first_row = 1;
};

// Where a value that did not convert is: its column and 1-based row.
class TextPositionDetail final : public StatusDetail {
 public:
  TextPositionDetail(std::string column, int64_t row) : column(std::move(column)), row(row) {}
  std::string ToString() const override {
    return "column=" + column + ", row=" + std::to_string(row);
  }

  std::string column;
  int64_t row;
};

// Converts a string/binary array to `type`. Empty text is null for every type but
// string. A value that does not convert is an error naming source, row, column,
// the value and the expected type.
Result<std::shared_ptr<arrow::Array>> ConvertText(const arrow::Array& text, const Type& type,
                                                  const TextOrigin& origin);

// Floats or doubles as decimals the way Spark casts them: each value's shortest text
// (0.125, 2.675) rounded half up to the scale (0.13, 2.68), where Arrow's cast rounds
// the binary value half to even (0.12, 2.67). NaN and infinities do not convert.
Result<std::shared_ptr<arrow::Array>> FloatsToDecimals(const arrow::Array& floats, const Type& type,
                                                       const TextOrigin& origin);

}  // namespace mortar
