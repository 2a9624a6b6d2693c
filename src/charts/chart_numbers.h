// Numbers as a chart shows them: a value axis on round steps (1, 2 or 5 x 10^k), and
// values without binary noise (15 significant digits at most), with thousands
// separators.
#pragma once

#include <string>

namespace mortar::charts {

struct ValueAxis {
  double low = 0;    // a multiple of step, at or below the lowest value
  double high = 1;   // a multiple of step, at or above the highest value
  double step = 1;   // 1, 2 or 5 x 10^k: the distance between ticks
  int decimals = 0;  // the digits after the point the step needs
};

// An axis from at most `low` to at least `high` (low < high) in about `ticks` steps.
ValueAxis RoundAxis(double low, double high, int ticks = 5);

// "24,364.95" for 24364.949999999997; "-1,234" ; "0.000125"; "1.5e+20" past 15 digits.
// `decimals` >= 0 prints exactly that many digits after the point instead.
std::string ReadableNumber(double value, int decimals = -1);

// The same without thousands separators, for labels that are names (a year, a bin).
std::string PlainNumber(double value);

}  // namespace mortar::charts
