// Values as Spark SQL literals, for INSERT ... VALUES: exact for decimals (a cast from
// their text), NaN and infinities by name, binary as X'..', nested values through
// from_json. The session's time zone is UTC.
#pragma once

#include <arrow/array.h>

#include <string>

#include "mortar/core/types.h"
#include "mortar/sql/dialect.h"

namespace mortar::databricks {

// Appends the value at `row` of `array` (of Mortar type `type`) to `out`.
void AppendSparkLiteral(const sql::Dialect& dialect, const arrow::Array& array, int64_t row,
                        const Type& type, std::string* out);

}  // namespace mortar::databricks
