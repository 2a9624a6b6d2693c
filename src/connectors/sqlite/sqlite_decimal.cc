#include "connectors/sqlite/sqlite_decimal.h"

#include <arrow/util/decimal.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>

#include "mortar/core/decimal_average.h"
#include "mortar/core/value_text.h"

namespace mortar::sqlite {

namespace {

constexpr int32_t kMaxPrecision = 38;

// A number in plain notation, [+-]digits[.digits], as its sign and its digits without
// leading zeros before the point or trailing zeros after it.
struct PlainNumber {
  bool negative = false;
  std::string_view whole;
  std::string_view fraction;
  bool zero() const { return whole.empty() && fraction.empty(); }
};

std::optional<PlainNumber> ParsePlain(std::string_view text) {
  PlainNumber number;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) number.negative = text[i++] == '-';
  std::size_t whole_start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  std::string_view whole = text.substr(whole_start, i - whole_start);
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    std::size_t fraction_start = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    fraction = text.substr(fraction_start, i - fraction_start);
  }
  if (i != text.size() || (whole.empty() && fraction.empty())) return std::nullopt;
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  number.whole = whole;
  number.fraction = fraction;
  if (number.zero()) number.negative = false;
  return number;
}

int Sign(int value) {
  return (value > 0) - (value < 0);
}

int CompareMagnitude(const PlainNumber& left, const PlainNumber& right) {
  if (left.whole.size() != right.whole.size()) {
    return left.whole.size() < right.whole.size() ? -1 : 1;
  }
  if (int c = left.whole.compare(right.whole); c != 0) return Sign(c);
  return Sign(left.fraction.compare(right.fraction));
}

// A value SQLite hands a function as decimal text: text and integers as they are,
// doubles by their shortest text that reads back as the same double.
std::optional<std::string> ValueText(sqlite3_value* value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      return std::to_string(sqlite3_value_int64(value));
    case SQLITE_FLOAT: {
      char buffer[64];
      auto [end, error] =
          std::to_chars(buffer, buffer + sizeof(buffer), sqlite3_value_double(value));
      if (error != std::errc()) return std::nullopt;
      return std::string(buffer, end);
    }
    case SQLITE_TEXT:
      return std::string(reinterpret_cast<const char*>(sqlite3_value_text(value)),
                         static_cast<std::size_t>(sqlite3_value_bytes(value)));
    default:
      return std::nullopt;
  }
}

// A decimal and its scale (never negative: 1E+3 is 1000 at scale 0).
struct Scaled {
  arrow::Decimal128 value;
  int32_t scale = 0;
};

std::optional<Scaled> ParseScaled(std::string_view text) {
  Scaled scaled;
  int32_t precision = 0;
  if (!arrow::Decimal128::FromString(text, &scaled.value, &precision, &scaled.scale).ok()) {
    return std::nullopt;
  }
  if (scaled.scale < 0) {
    auto rescaled = scaled.value.Rescale(scaled.scale, 0);
    if (!rescaled.ok()) return std::nullopt;
    scaled.value = *rescaled;
    scaled.scale = 0;
  }
  return scaled;
}

std::string ScaledText(const Scaled& scaled) {
  return FormatDecimal(scaled.value.ToIntegerString(), scaled.scale);
}

// The state of a running sum, in SQLite's zeroed aggregate memory (all zero is an
// empty sum).
struct SumState {
  uint64_t low;
  int64_t high;
  int32_t scale;
  int64_t count;
  int32_t average_scale;  // mortar_decimal_avg's second argument
  bool overflowed;
  bool not_a_number;
};

SumState* State(sqlite3_context* context, bool create) {
  return static_cast<SumState*>(sqlite3_aggregate_context(context, create ? sizeof(SumState) : 0));
}

// Adds (sign 1) or removes (sign -1, a window frame moving on) one value.
void Accumulate(sqlite3_context* context, sqlite3_value* value, int sign) {
  if (sqlite3_value_type(value) == SQLITE_NULL) return;
  SumState* state = State(context, true);
  if (state == nullptr) return sqlite3_result_error_nomem(context);
  if (state->overflowed || state->not_a_number) return;
  std::optional<std::string> text = ValueText(value);
  std::optional<Scaled> addend = text ? ParseScaled(*text) : std::nullopt;
  if (!addend) {
    state->not_a_number = true;
    return;
  }
  arrow::Decimal128 sum(state->high, state->low);
  if (addend->scale > state->scale) {
    auto rescaled = sum.Rescale(state->scale, addend->scale);
    if (!rescaled.ok()) {
      state->overflowed = true;
      return;
    }
    sum = *rescaled;
    state->scale = addend->scale;
  } else if (addend->scale < state->scale) {
    auto rescaled = addend->value.Rescale(addend->scale, state->scale);
    if (!rescaled.ok()) {
      state->overflowed = true;
      return;
    }
    addend->value = *rescaled;
  }
  if (sign > 0) {
    sum += addend->value;
  } else {
    sum -= addend->value;
  }
  if (!sum.FitsInPrecision(kMaxPrecision)) {
    state->overflowed = true;
    return;
  }
  state->high = sum.high_bits();
  state->low = sum.low_bits();
  state->count += sign;
}

void SumStep(sqlite3_context* context, int arguments, sqlite3_value** values) {
  Accumulate(context, values[0], 1);
  if (arguments < 2) return;
  if (SumState* state = State(context, true); state != nullptr)
    state->average_scale = sqlite3_value_int(values[1]);
}

void SumInverse(sqlite3_context* context, int, sqlite3_value** values) {
  Accumulate(context, values[0], -1);
}

// An error for a sum that cannot be given exactly; false when there is none.
bool SumError(sqlite3_context* context, const SumState* state) {
  if (state == nullptr) return false;
  if (state->overflowed) {
    sqlite3_result_error(context,
                         "a decimal sum needs more than 38 digits: cast the column to double "
                         "to sum it approximately",
                         -1);
    return true;
  }
  if (state->not_a_number) {
    sqlite3_result_error(context, "a decimal column holds a value that is not a number", -1);
    return true;
  }
  return false;
}

void SumValue(sqlite3_context* context) {
  const SumState* state = State(context, false);
  if (SumError(context, state)) return;
  if (state == nullptr || state->count == 0) return sqlite3_result_null(context);
  std::string text = ScaledText({arrow::Decimal128(state->high, state->low), state->scale});
  sqlite3_result_text(context, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void AvgValue(sqlite3_context* context) {
  const SumState* state = State(context, false);
  if (SumError(context, state)) return;
  if (state == nullptr || state->count == 0) return sqlite3_result_null(context);
  int32_t scale = std::clamp(state->average_scale, 0, kMaxPrecision);
  auto average = DecimalAverage(arrow::Decimal256(arrow::Decimal128(state->high, state->low)),
                                state->scale, state->count, scale);
  if (!average.ok()) {
    std::string message = average.status().message();
    return sqlite3_result_error(context, message.c_str(), -1);
  }
  std::string text = FormatDecimal(average->ToIntegerString(), scale);
  sqlite3_result_text(context, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// mortar_decimal(x, precision, scale).
void ToDecimal(sqlite3_context* context, int, sqlite3_value** values) {
  std::optional<std::string> text = ValueText(values[0]);
  int32_t precision = sqlite3_value_int(values[1]);
  int32_t scale = sqlite3_value_int(values[2]);
  std::optional<Scaled> scaled = text ? ParseScaled(*text) : std::nullopt;
  if (!scaled || precision < 1 || precision > kMaxPrecision || scale < 0 || scale > precision) {
    return sqlite3_result_null(context);
  }
  arrow::Decimal128 value = scaled->value;
  if (scaled->scale > scale) {
    // Half up, away from zero, as Spark and Databricks round a cast.
    value = value.ReduceScaleBy(scaled->scale - scale);
  } else if (scaled->scale < scale) {
    auto rescaled = value.Rescale(scaled->scale, scale);
    if (!rescaled.ok()) return sqlite3_result_null(context);
    value = *rescaled;
  }
  if (!value.FitsInPrecision(precision)) return sqlite3_result_null(context);
  std::string out = ScaledText({value, scale});
  sqlite3_result_text(context, out.c_str(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

int Collate(void*, int left_size, const void* left, int right_size, const void* right) {
  return CompareDecimalText(
      std::string_view(static_cast<const char*>(left), static_cast<std::size_t>(left_size)),
      std::string_view(static_cast<const char*>(right), static_cast<std::size_t>(right_size)));
}

}  // namespace

int CompareDecimalText(std::string_view left, std::string_view right) {
  std::optional<PlainNumber> a = ParsePlain(left);
  std::optional<PlainNumber> b = ParsePlain(right);
  if (a && b) {
    if (a->negative != b->negative) return a->negative ? -1 : 1;
    int magnitude = CompareMagnitude(*a, *b);
    return a->negative ? -magnitude : magnitude;
  }
  // Other spellings of numbers (1e5) by their double; anything else (NaN too, which
  // would break the order) after the numbers, by its bytes.
  auto number = [](std::string_view text) {
    std::optional<double> value = ParseDouble(text);
    return value && !std::isnan(*value) ? value : std::nullopt;
  };
  std::optional<double> x = number(left);
  std::optional<double> y = number(right);
  if (x.has_value() != y.has_value()) return x ? -1 : 1;
  if (x && *x != *y) return *x < *y ? -1 : 1;
  return Sign(left.compare(right));
}

Status RegisterDecimalFunctions(sqlite3* db) {
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  int code =
      sqlite3_create_collation_v2(db, "mortar_decimal", SQLITE_UTF8, nullptr, Collate, nullptr);
  if (code == SQLITE_OK) {
    code = sqlite3_create_window_function(db, "mortar_decimal_sum", 1, kFlags, nullptr, SumStep,
                                          SumValue, SumValue, SumInverse, nullptr);
  }
  if (code == SQLITE_OK) {
    code = sqlite3_create_window_function(db, "mortar_decimal_avg", 2, kFlags, nullptr, SumStep,
                                          AvgValue, AvgValue, SumInverse, nullptr);
  }
  if (code == SQLITE_OK) {
    code = sqlite3_create_function_v2(db, "mortar_decimal", 3, kFlags, nullptr, ToDecimal, nullptr,
                                      nullptr, nullptr);
  }
  if (code != SQLITE_OK) {
    return Status::Internal(std::string("cannot register SQLite's decimal functions: ") +
                            sqlite3_errstr(code));
  }
  return Status::OK();
}

}  // namespace mortar::sqlite
