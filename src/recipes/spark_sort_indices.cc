#include "recipes/spark_sort_indices.h"

#include <string>

#include "mortar/core/batch.h"

namespace mortar::recipes {

namespace cp = arrow::compute;

Result<std::shared_ptr<arrow::Array>> SparkSortIndices(
    const std::shared_ptr<arrow::RecordBatch>& rows, const std::vector<cp::SortKey>& keys) {
  std::shared_ptr<arrow::RecordBatch> keyed = rows;
  std::vector<cp::SortKey> order;
  for (const auto& key : keys) {
    MORTAR_ASSIGN_OR_RETURN(auto column, FromArrowResult(key.target.GetOne(*rows)));
    if (arrow::is_floating(column->type_id())) {
      // true (NaN) sorts after false (a number); a null stays null, placed as the key says.
      MORTAR_ASSIGN_OR_RETURN(auto nan, FromArrowResult(cp::CallFunction("is_nan", {column})));
      int index = keyed->num_columns();
      MORTAR_ASSIGN_OR_RETURN(keyed, FromArrowResult(keyed->AddColumn(
                                         index, "nan" + std::to_string(index), nan.make_array())));
      order.emplace_back(index, key.order, key.null_placement);
    }
    order.push_back(key);
  }
  MORTAR_ASSIGN_OR_RETURN(
      auto indices, FromArrowResult(cp::SortIndices(arrow::Datum(keyed), cp::SortOptions(order))));
  return indices;
}

}  // namespace mortar::recipes
