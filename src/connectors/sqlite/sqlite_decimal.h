// Exact decimals in SQLite, which has none: Mortar stores a decimal column as text
// (declared `TEXT DECIMAL(p,s)`, so SQLite keeps every digit) with the collation
// `mortar_decimal`, which compares the text by value, and registers on each connection
// the functions the SQLite dialect calls on such columns:
//   mortar_decimal_sum(x)      exact sum, as text in plain notation; an aggregate and a
//                              window function; an error past 38 digits
//   mortar_decimal_avg(x, s)   the exact sum divided by the count, rounded half up to
//                              scale s, as text (mortar/core/decimal_average.h)
//   mortar_decimal(x, p, s)    x rounded half up to scale s, as text; NULL when x is not
//                              a number or does not fit decimal(p,s) (SQLite's CAST
//                              never fails either)
#pragma once

#include <sqlite3.h>

#include <string_view>

#include "mortar/core/status.h"

namespace mortar::sqlite {

// The collation's order: numbers by value (1.5 = 1.50 < 10), then any other text
// byte by byte.
int CompareDecimalText(std::string_view left, std::string_view right);

Status RegisterDecimalFunctions(sqlite3* db);

}  // namespace mortar::sqlite
