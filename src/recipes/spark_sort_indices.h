// Sort indices in the order Spark (and Databricks) sorts: NaN above every number, so
// last going up and first going down, with nulls first or last as each key says.
// Arrow's SortIndices keeps NaN beside the nulls instead; this puts an is-NaN key in
// front of each floating-point key. Stable: ties keep their input order.
#pragma once

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <memory>
#include <vector>

#include "mortar/core/result.h"

namespace mortar::recipes {

Result<std::shared_ptr<arrow::Array>> SparkSortIndices(
    const std::shared_ptr<arrow::RecordBatch>& rows,
    const std::vector<arrow::compute::SortKey>& keys);

}  // namespace mortar::recipes
