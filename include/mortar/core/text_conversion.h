// Conversion between text and typed values: CSV cells, SQLite TEXT columns, and
// the schema inference that guesses a column's type from sample text.
// Functions are thread-safe; TypeGuesser is not.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

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

// Converts a string/binary array to `type`. Empty text is null for every type but
// string. A value that does not convert is an error naming source, row, column,
// the value and the expected type.
Result<std::shared_ptr<arrow::Array>> ConvertText(const arrow::Array& text, const Type& type,
                                                  const TextOrigin& origin);

// Parsers for single values; nullopt when the text is not of that form.
std::optional<int32_t> ParseDate(std::string_view text);  // days since 1970-01-01
// Microseconds since the epoch. A zone suffix (Z, +hh:mm) is applied when present.
std::optional<int64_t> ParseTimestamp(std::string_view text, bool* had_zone = nullptr);
std::optional<bool> ParseBoolean(std::string_view text);

std::string FormatDate(int32_t days);
// "2024-03-01 12:30:00" or with ".ffffff" when there are fractions; `zone` adds "Z".
std::string FormatTimestamp(int64_t micros, bool zone);

// Guesses the narrowest type that holds every observed value: boolean, int64,
// double, date, timestamp_ntz, timestamp (with an explicit zone), else string.
class TypeGuesser {
 public:
  void Observe(std::string_view text);
  Type Guess() const;

 private:
  bool any_ = false;
  bool can_boolean_ = true;
  bool can_integer_ = true;
  bool can_double_ = true;
  bool can_date_ = true;
  bool can_timestamp_ = true;
  bool saw_zone_ = false;
  bool saw_no_zone_ = false;
};

// Text with & < > " ' escaped, for HTML and XML (SVG) output.
std::string EscapeMarkup(std::string_view text);
// ASCII upper case (SQL keywords and function names).
std::string AsciiUpper(std::string_view text);

}  // namespace mortar

namespace mortar {

// A string array holding each value of a nested (array, map, struct) array as JSON
// text, for stores without nested types (CSV, SQLite).
Result<std::shared_ptr<arrow::Array>> NestedToJsonText(const arrow::Array& nested);

// One cell as display text ("" for null), and as JSON text (numbers stay numbers).
std::string CellToText(const arrow::Array& array, int64_t index);
std::string CellToJson(const arrow::Array& array, int64_t index);

}  // namespace mortar
