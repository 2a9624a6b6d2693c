#include "mortar/core/type_guesser.h"

#include "mortar/core/ascii_case.h"
#include "mortar/core/parse_integer.h"
#include "mortar/core/value_text.h"

namespace mortar {

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
  if (can_double_) return Type::Double();
  if (can_date_) return Type::Date();
  if (can_timestamp_ && !(saw_zone_ && saw_no_zone_)) {
    return saw_zone_ ? Type::Timestamp() : Type::TimestampNtz();
  }
  return Type::String();
}

}  // namespace mortar
