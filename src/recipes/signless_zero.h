// Float keys as Spark and SQLite compare them: -0.0 and 0.0 are one value. Their bits
// differ, so Arrow's hash grouping (Acero's aggregations, the grouper) keeps them apart
// unless -0.0 is first made 0.0, as Spark normalises grouping keys.
#pragma once

#include <arrow/api.h>
#include <arrow/compute/expression.h>

#include "mortar/core/result.h"

namespace mortar::recipes {

// `value` (of `type`) with -0.0 as 0.0; as it is for types other than float and double.
arrow::compute::Expression SignlessZero(arrow::compute::Expression value,
                                        const arrow::DataType& type);

// The same for an array.
Result<std::shared_ptr<arrow::Array>> SignlessZero(const std::shared_ptr<arrow::Array>& values);

}  // namespace mortar::recipes
