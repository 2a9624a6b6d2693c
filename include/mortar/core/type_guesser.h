// The schema inference of text sources (CSV): a column's type guessed from sample text.
#pragma once

#include <string_view>

#include "mortar/core/types.h"

namespace mortar {

// Guesses the narrowest type that holds every observed value: boolean, int64,
// double, date, timestamp_ntz, timestamp (with an explicit zone), else string.
// Numbers written in fixed point (no exponent) of which one has more significant
// digits than a double holds (15), integers beyond int64 among them, are
// decimal(p,s) instead of double: s the most digits after the point, p the most before
// it plus s, up to 38 (beyond that, double). Empty text says nothing. Not thread-safe.
class TypeGuesser {
 public:
  void Observe(std::string_view text);
  Type Guess() const;

 private:
  bool any_ = false;
  bool can_boolean_ = true;
  bool can_integer_ = true;
  bool can_double_ = true;
  // Fixed-point numbers: the most digits before and after the point, and whether
  // one of them has more significant digits than a double holds.
  bool can_fixed_point_ = true;
  int integer_digits_ = 0;
  int fraction_digits_ = 0;
  bool beyond_double_ = false;
  bool can_date_ = true;
  bool can_timestamp_ = true;
  bool saw_zone_ = false;
  bool saw_no_zone_ = false;
};

}  // namespace mortar
