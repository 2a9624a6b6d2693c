#include "recipes/signless_zero.h"

#include <arrow/compute/api.h>

#include "mortar/core/batch.h"

namespace mortar::recipes {

namespace cp = arrow::compute;

namespace {

bool IsFloating(const arrow::DataType& type) {
  return type.id() == arrow::Type::FLOAT || type.id() == arrow::Type::DOUBLE;
}

std::shared_ptr<arrow::Scalar> Zero(const arrow::DataType& type) {
  if (type.id() == arrow::Type::FLOAT) return std::make_shared<arrow::FloatScalar>(0.0f);
  return std::make_shared<arrow::DoubleScalar>(0.0);
}

}  // namespace

cp::Expression SignlessZero(cp::Expression value, const arrow::DataType& type) {
  if (!IsFloating(type)) return value;
  // -0.0 = 0.0 is true: either becomes 0.0; NULL and NaN stay.
  cp::Expression zero = cp::literal(Zero(type));
  return cp::call("if_else", {cp::call("equal", {value, zero}), zero, value});
}

Result<std::shared_ptr<arrow::Array>> SignlessZero(const std::shared_ptr<arrow::Array>& values) {
  if (!IsFloating(*values->type())) return values;
  MORTAR_RETURN_IF_ERROR(InitializeCompute());
  auto zero = Zero(*values->type());
  MORTAR_ASSIGN_OR_RETURN(arrow::Datum is_zero,
                          FromArrowResult(cp::CallFunction("equal", {values, zero})));
  MORTAR_ASSIGN_OR_RETURN(arrow::Datum signless,
                          FromArrowResult(cp::CallFunction("if_else", {is_zero, zero, values})));
  return signless.make_array();
}

}  // namespace mortar::recipes
