#include "mortar/core/type_guesser.h"

#include <algorithm>
#include <optional>

#include "mortar/core/ascii_case.h"
#include "mortar/core/parse_integer.h"
#include "mortar/core/value_text.h"

namespace mortar {

namespace {

// The significant digits a double holds whatever they are (DBL_DIG).
constexpr int kDoubleDigits = 15;

struct FixedPoint {
  int integer_digits = 0;      // before the point, without leading zeros
  int fraction_digits = 0;     // after the point, as written
  int significant_digits = 0;  // without leading zeros, nor trailing zeros after the point
};

// "-0012.3400" and the like: a sign, digits, and a point with digits after it; nothing
// else (no exponent, no nan or inf).
std::optional<FixedPoint> ParseFixedPoint(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  std::size_t point = text.find('.');
  std::string_view whole = text.substr(0, point);
  std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  if (whole.empty() && fraction.empty()) return std::nullopt;
  if (point != std::string_view::npos && fraction.empty()) return std::nullopt;
  for (std::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (c < '0' || c > '9') return std::nullopt;
    }
  }
  std::size_t first = whole.find_first_not_of('0');
  whole = first == std::string_view::npos ? std::string_view() : whole.substr(first);
  FixedPoint out;
  out.integer_digits = static_cast<int>(whole.size());
  out.fraction_digits = static_cast<int>(fraction.size());
  std::size_t last = fraction.find_last_not_of('0');
  std::string_view kept =
      last == std::string_view::npos ? std::string_view() : fraction.substr(0, last + 1);
  if (whole.empty()) {
    std::size_t nonzero = kept.find_first_not_of('0');
    out.significant_digits =
        nonzero == std::string_view::npos ? 0 : static_cast<int>(kept.size() - nonzero);
  } else {
    out.significant_digits = static_cast<int>(whole.size() + kept.size());
  }
  return out;
}

}  // namespace

void TypeGuesser::Observe(std::string_view text) {
  text = TrimSpace(text);
  if (text.empty()) return;
  any_ = true;
  if (can_boolean_ &&
      !(AsciiEqualsIgnoreCase(text, "true") || AsciiEqualsIgnoreCase(text, "false"))) {
    can_boolean_ = false;
  }
  if (can_integer_ && !ParseInteger(text)) can_integer_ = false;
  if (can_double_ && !ParseDouble(text)) can_double_ = false;
  if (can_fixed_point_) {
    std::optional<FixedPoint> number = ParseFixedPoint(text);
    if (!number) {
      can_fixed_point_ = false;
    } else {
      integer_digits_ = std::max(integer_digits_, number->integer_digits);
      fraction_digits_ = std::max(fraction_digits_, number->fraction_digits);
      beyond_double_ = beyond_double_ || number->significant_digits > kDoubleDigits;
    }
  }
  if (can_date_ && !ParseDate(text)) can_date_ = false;
  if (can_timestamp_) {
    bool zone = false;
    if (!ParseTimestamp(text, &zone)) {
      can_timestamp_ = false;
    } else if (zone) {
      saw_zone_ = true;
    } else {
      saw_no_zone_ = true;
    }
  }
}

Type TypeGuesser::Guess() const {
  if (!any_) return Type::String();
  if (can_boolean_) return Type::Boolean();
  if (can_integer_) return Type::Int64();
  if (can_fixed_point_ && beyond_double_) {
    auto decimal = Type::Decimal(std::max(1, integer_digits_ + fraction_digits_), fraction_digits_);
    if (decimal.ok()) return *decimal;
  }
  if (can_double_) return Type::Double();
  if (can_date_) return Type::Date();
  if (can_timestamp_ && !(saw_zone_ && saw_no_zone_)) {
    return saw_zone_ ? Type::Timestamp() : Type::TimestampNtz();
  }
  return Type::String();
}

}  // namespace mortar
