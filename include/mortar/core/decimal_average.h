// The average of decimals as Spark and Databricks give it: avg of a decimal(p,s) is a
// decimal(min(38, p+4), min(38, s+4)), the exact quotient of the sum by the count
// rounded half up (away from zero). SQLite and the local engine compute it here from
// an exact sum, so the three engines give the same digits.
#pragma once

#include <arrow/util/decimal.h>

#include <cstdint>

#include "mortar/core/result.h"

namespace mortar {

// `sum` (at `sum_scale`) divided by `count` (> 0), rounded half up to `scale`. An
// error only when the scaled sum does not fit 76 digits.
Result<arrow::Decimal256> DecimalAverage(const arrow::Decimal256& sum, int32_t sum_scale,
                                         int64_t count, int32_t scale);

}  // namespace mortar
