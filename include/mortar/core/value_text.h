// One value read from text and written as text: the forms CSV cells, SQLite TEXT
// columns and JSON strings carry (ISO dates and timestamps, decimal numbers, true and
// false). Parsers return nullopt when the text is not of that form; they never throw.
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mortar {

// Without the spaces and tabs at either end and a trailing carriage return, as cells
// of hand-written files carry them.
std::string_view TrimSpace(std::string_view text);

// A decimal number, with an optional sign and exponent; nan, inf and infinity too.
std::optional<double> ParseDouble(std::string_view text);
// true/false, 1/0, yes/no, in any case.
std::optional<bool> ParseBoolean(std::string_view text);
// Days since 1970-01-01, from "yyyy-mm-dd"; an impossible date (02-30) is nullopt.
std::optional<int32_t> ParseDate(std::string_view text);
// Microseconds since the epoch. A zone suffix (Z, +hh:mm) is applied when present.
std::optional<int64_t> ParseTimestamp(std::string_view text, bool* had_zone = nullptr);

std::string FormatDate(int32_t days);
// A decimal in plain notation, never with an exponent, from its unscaled integer (an
// optional '-' and digits) and its scale: ("-1", 10) is "-0.0000000001", ("12345", 2)
// "123.45", ("5", -2) "500". Arrow's own text switches to "-1E-10" for small values.
std::string FormatDecimal(std::string_view unscaled, int32_t scale);
// A double for people to read: at most `digits` significant digits (15, all a double
// keeps whatever they are), so a sum shows 24364.95, not 24364.949999999997; NaN,
// Infinity and -Infinity by name. Text meant to be read back keeps every digit instead.
std::string FormatDoubleForDisplay(double value, int digits = 15);
// "2024-03-01 12:30:00" or with ".ffffff" when there are fractions; `zone` adds "Z".
std::string FormatTimestamp(int64_t micros, bool zone);

}  // namespace mortar
