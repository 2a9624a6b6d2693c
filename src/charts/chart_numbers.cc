#include "charts/chart_numbers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mortar/core/value_text.h"

namespace mortar::charts {

ValueAxis RoundAxis(double low, double high, int ticks) {
  ValueAxis axis;
  double span = high - low;
  if (!(span > 0) || !std::isfinite(span)) {
    axis.low = low;
    axis.high = low + 1;
    axis.step = 0.25;
    axis.decimals = 2;
    return axis;
  }
  double rough = span / std::max(1, ticks);
  int exponent = static_cast<int>(std::floor(std::log10(rough)));
  double power = std::pow(10.0, exponent);
  double step = 10 * power;
  for (double multiple : {1.0, 2.0, 5.0}) {
    if (multiple * power >= rough * (1 - 1e-9)) {
      step = multiple * power;
      break;
    }
  }
  axis.step = step;
  axis.low = std::floor(low / step + 1e-9) * step;
  axis.high = std::ceil(high / step - 1e-9) * step;
  axis.decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  return axis;
}

std::string PlainNumber(double value) {
  return FormatDoubleForDisplay(value);
}

std::string ReadableNumber(double value, int decimals) {
  if (!std::isfinite(value)) return PlainNumber(value);
  std::string text;
  if (decimals >= 0) {
    char buffer[400];
    std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
    text = buffer;
    if (text.find_first_not_of("-0.") == std::string::npos) text = text.substr(text[0] == '-');
  } else {
    text = PlainNumber(value);
  }
  if (text.find_first_of("eE") != std::string::npos) return text;
  std::size_t start = text[0] == '-' ? 1 : 0;
  std::size_t end = text.find('.');
  if (end == std::string::npos) end = text.size();
  for (std::size_t at = end; at > start + 3;) {
    at -= 3;
    text.insert(at, 1, ',');
  }
  return text;
}

}  // namespace mortar::charts
