// The schema inference of text sources (CSV): a column's type guessed from sample text.
#pragma once

#include <string_view>

#include "mortar/core/types.h"

namespace mortar {

// Guesses the narrowest type that holds every observed value: boolean, int64,
// double, date, timestamp_ntz, timestamp (with an explicit zone), else string.
// Empty text says nothing. Not thread-safe.
class TypeGuesser {
 public:
  void Observe(std::string_view text);
  Type Guess() const;

 private:
  bool any_ = false;
  bool can_boolean_ = true;
  bool can_integer_ = true;
  bool can_double_ = true;
  bool can_date_ = true;
  bool can_timestamp_ = true;
  bool saw_zone_ = false;
  bool saw_no_zone_ = false;
};

}  // namespace mortar
