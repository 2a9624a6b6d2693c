#include "mortar/core/decimal_average.h"

namespace mortar {

Result<arrow::Decimal256> DecimalAverage(const arrow::Decimal256& sum, int32_t sum_scale,
                                         int64_t count, int32_t scale) {
  if (count <= 0) return Status::Internal("an average of no values");
  // sum / count at `scale`: (sum x 10^(scale - sum_scale)) / count, or, for a smaller
  // scale, sum / (count x 10^(sum_scale - scale)).
  arrow::Decimal256 numerator = sum;
  arrow::Decimal256 denominator(count);
  if (scale > sum_scale) {
    auto scaled = sum.Rescale(sum_scale, scale);
    if (!scaled.ok()) {
      return Status::Invalid(
          "an average of decimals needs more than 76 digits: cast the column to double to "
          "average it approximately");
    }
    numerator = *scaled;
  } else if (scale < sum_scale) {
    denominator *= arrow::Decimal256::GetScaleMultiplier(sum_scale - scale);
  }
  auto divided = numerator.Divide(denominator);
  if (!divided.ok()) return Status::Internal("cannot average the decimals");
  auto [quotient, remainder] = *divided;
  // Half up: a remainder of at least half the divisor moves the quotient away from zero.
  arrow::Decimal256 twice = arrow::Decimal256::Abs(remainder) * arrow::Decimal256(2);
  if (twice >= denominator) quotient += arrow::Decimal256(numerator.IsNegative() ? -1 : 1);
  return quotient;
}

}  // namespace mortar
