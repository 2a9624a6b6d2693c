#include "mortar/core/text_conversion.h"

#include <arrow/api.h>
#include <arrow/util/decimal.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "mortar/core/batch.h"
#include "mortar/core/parse_integer.h"

namespace mortar {

namespace {

// Days from 1970-01-01 to the civil date (proleptic Gregorian calendar).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  *day = day_of_year - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int64_t>(year_of_era) + era * 400 + (*month <= 2 ? 1 : 0);
}

bool ReadDigits(std::string_view text, std::size_t pos, std::size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> ParseDouble(std::string_view text) {
  text = Trim(text);
  if (EqualsIgnoreCase(text, "nan")) return std::nan("");
  if (EqualsIgnoreCase(text, "inf") || EqualsIgnoreCase(text, "infinity")) return HUGE_VAL;
  if (EqualsIgnoreCase(text, "-inf") || EqualsIgnoreCase(text, "-infinity")) return -HUGE_VAL;
  return ParseNumber<double>(text);
}

Status ConversionError(const TextOrigin& origin, int64_t index, std::string_view value,
                       const Type& type, std::string_view why = {}) {
  std::string shown(value.substr(0, 80));
  std::string message =
      "value '" + shown + "' in column '" + origin.column + "' is not a valid " + type.ToString();
  if (!why.empty()) message += " (" + std::string(why) + ")";
  message += "; at " + origin.source + ", row " + std::to_string(origin.first_row + index);
  return Status::Invalid(message)
      .WithDetail("row", std::to_string(origin.first_row + index))
      .WithDetail("column", origin.column);
}

arrow::Status AppendJson(arrow::ArrayBuilder* builder, const nlohmann::json& value);

arrow::Status AppendJsonList(arrow::ArrayBuilder* builder, const nlohmann::json& value) {
  if (!value.is_array()) return arrow::Status::Invalid("expected a JSON array");
  auto* list = static_cast<arrow::ListBuilder*>(builder);
  ARROW_RETURN_NOT_OK(list->Append());
  for (const auto& element : value) ARROW_RETURN_NOT_OK(AppendJson(list->value_builder(), element));
  return arrow::Status::OK();
}

arrow::Status AppendJsonMap(arrow::ArrayBuilder* builder, const nlohmann::json& value) {
  if (!value.is_object()) return arrow::Status::Invalid("expected a JSON object");
  auto* map = static_cast<arrow::MapBuilder*>(builder);
  ARROW_RETURN_NOT_OK(map->Append());
  for (const auto& [key, item] : value.items()) {
    ARROW_RETURN_NOT_OK(AppendJson(map->key_builder(), nlohmann::json(key)));
    ARROW_RETURN_NOT_OK(AppendJson(map->item_builder(), item));
  }
  return arrow::Status::OK();
}

arrow::Status AppendJsonStruct(arrow::ArrayBuilder* builder, const nlohmann::json& value) {
  if (!value.is_object()) return arrow::Status::Invalid("expected a JSON object");
  auto* builder_struct = static_cast<arrow::StructBuilder*>(builder);
  ARROW_RETURN_NOT_OK(builder_struct->Append());
  std::shared_ptr<arrow::DataType> type = builder->type();
  for (int i = 0; i < type->num_fields(); ++i) {
    auto it = value.find(type->field(i)->name());
    ARROW_RETURN_NOT_OK(
        AppendJson(builder_struct->field_builder(i), it == value.end() ? nlohmann::json() : *it));
  }
  return arrow::Status::OK();
}

// Appends one JSON value to a builder of any Mortar type.
arrow::Status AppendJson(arrow::ArrayBuilder* builder, const nlohmann::json& value) {
  if (value.is_null()) return builder->AppendNull();
  switch (builder->type()->id()) {
    case arrow::Type::LIST:
      return AppendJsonList(builder, value);
    case arrow::Type::MAP:
      return AppendJsonMap(builder, value);
    case arrow::Type::STRUCT:
      return AppendJsonStruct(builder, value);
    default:
      break;
  }
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  auto type = Type::FromArrow(*builder->type());
  if (!type.ok()) return arrow::Status::Invalid(type.status().message());
  arrow::StringBuilder strings;
  ARROW_RETURN_NOT_OK(strings.Append(text));
  ARROW_ASSIGN_OR_RAISE(auto text_array, strings.Finish());
  auto converted = ConvertText(*text_array, *type, TextOrigin{"JSON", "element", 1});
  if (!converted.ok()) return arrow::Status::Invalid(converted.status().message());
  return builder->AppendArraySlice(*(*converted)->data(), 0, 1);
}

}  // namespace

std::optional<int32_t> ParseDate(std::string_view text) {
  text = Trim(text);
  int year = 0;
  int month = 0;
  int day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ReadDigits(text, 0, 4, &year) ||
      !ReadDigits(text, 5, 2, &month) || !ReadDigits(text, 8, 2, &day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  // Reject 2023-02-30 and the like: the round trip must give the same date.
  int64_t check_year = 0;
  unsigned check_month = 0;
  unsigned check_day = 0;
  CivilFromDays(days, &check_year, &check_month, &check_day);
  if (check_month != static_cast<unsigned>(month) || check_day != static_cast<unsigned>(day)) {
    return std::nullopt;
  }
  return static_cast<int32_t>(days);
}

std::optional<int64_t> ParseTimestamp(std::string_view text, bool* had_zone) {
  text = Trim(text);
  if (had_zone != nullptr) *had_zone = false;
  if (text.size() < 10) return std::nullopt;
  auto date = ParseDate(text.substr(0, 10));
  if (!date) return std::nullopt;
  int64_t micros = int64_t{*date} * 86400 * 1000000;
  std::size_t pos = 10;
  if (pos == text.size()) return micros;
  if (text[pos] != ' ' && text[pos] != 'T') return std::nullopt;
  ++pos;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!ReadDigits(text, pos, 2, &hour) || pos + 2 >= text.size() || text[pos + 2] != ':' ||
      !ReadDigits(text, pos + 3, 2, &minute)) {
    return std::nullopt;
  }
  pos += 5;
  if (pos < text.size() && text[pos] == ':') {
    if (!ReadDigits(text, pos + 1, 2, &second)) return std::nullopt;
    pos += 3;
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  micros += (int64_t{hour} * 3600 + minute * 60 + second) * 1000000;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t fraction = 0;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) {
        fraction = fraction * 10 + (text[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    while (digits < 6) {
      fraction *= 10;
      ++digits;
    }
    micros += fraction;
  }
  if (pos == text.size()) return micros;
  if (text[pos] == 'Z' && pos + 1 == text.size()) {
    if (had_zone != nullptr) *had_zone = true;
    return micros;
  }
  if (text[pos] == '+' || text[pos] == '-') {
    int sign = text[pos] == '+' ? 1 : -1;
    int zone_hour = 0;
    int zone_minute = 0;
    std::string_view zone = text.substr(pos + 1);
    bool parsed = (zone.size() == 5 && zone[2] == ':' && ReadDigits(zone, 0, 2, &zone_hour) &&
                   ReadDigits(zone, 3, 2, &zone_minute)) ||
                  (zone.size() == 4 && ReadDigits(zone, 0, 2, &zone_hour) &&
                   ReadDigits(zone, 2, 2, &zone_minute)) ||
                  (zone.size() == 2 && ReadDigits(zone, 0, 2, &zone_hour));
    if (!parsed) return std::nullopt;
    if (had_zone != nullptr) *had_zone = true;
    return micros - sign * (int64_t{zone_hour} * 3600 + zone_minute * 60) * 1000000;
  }
  return std::nullopt;
}

std::optional<bool> ParseBoolean(std::string_view text) {
  text = Trim(text);
  if (EqualsIgnoreCase(text, "true") || text == "1" || EqualsIgnoreCase(text, "yes")) return true;
  if (EqualsIgnoreCase(text, "false") || text == "0" || EqualsIgnoreCase(text, "no")) return false;
  return std::nullopt;
}

namespace {

// Writes `value` as `width` digits (zero-padded) at `out`; returns the end.
char* PutDigits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

// Formats without printf: this runs for every date and timestamp written as text.
// Null for years outside 0000-9999, which take the general path.
char* PutDate(char* out, int32_t days) {
  int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  CivilFromDays(days, &year, &month, &day);
  if (year < 0 || year > 9999) return nullptr;
  out = PutDigits(out, year, 4);
  *out++ = '-';
  out = PutDigits(out, month, 2);
  *out++ = '-';
  return PutDigits(out, day, 2);
}

}  // namespace

std::string FormatDate(int32_t days) {
  char buffer[32];
  if (PutDate(buffer, days) == nullptr) {
    // Years outside 0000-9999: the slow, general path.
    int64_t year = 0;
    unsigned month = 0;
    unsigned day = 0;
    CivilFromDays(days, &year, &month, &day);
    std::snprintf(buffer, sizeof(buffer), "%lld-%02u-%02u", static_cast<long long>(year), month,
                  day);
    return buffer;
  }
  return std::string(buffer, 10);
}

std::string FormatTimestamp(int64_t micros, bool zone) {
  int64_t days =
      micros >= 0 ? micros / 86400000000LL : -((-micros + 86399999999LL) / 86400000000LL);
  int64_t rest = micros - days * 86400000000LL;
  int64_t seconds = rest / 1000000;
  int64_t fraction = rest % 1000000;
  std::string text = FormatDate(static_cast<int32_t>(days));
  char buffer[24];
  char* out = buffer;
  *out++ = ' ';
  out = PutDigits(out, seconds / 3600, 2);
  *out++ = ':';
  out = PutDigits(out, seconds / 60 % 60, 2);
  *out++ = ':';
  out = PutDigits(out, seconds % 60, 2);
  if (fraction != 0) {
    *out++ = '.';
    out = PutDigits(out, fraction, 6);
  }
  if (zone) *out++ = 'Z';
  text.append(buffer, static_cast<std::size_t>(out - buffer));
  return text;
}

Result<std::shared_ptr<arrow::Array>> ConvertText(const arrow::Array& text, const Type& type,
                                                  const TextOrigin& origin) {
  if (text.type_id() != arrow::Type::STRING && text.type_id() != arrow::Type::BINARY) {
    return Status::Internal("ConvertText needs a string array, got " + text.type()->ToString());
  }
  const auto& strings = static_cast<const arrow::BinaryArray&>(text);
  const int64_t length = strings.length();
  auto value_at = [&](int64_t i) { return std::string_view(strings.GetView(i)); };
  auto is_null = [&](int64_t i) { return strings.IsNull(i) || strings.GetView(i).empty(); };

  auto finish = [](arrow::ArrayBuilder& builder) -> Result<std::shared_ptr<arrow::Array>> {
    std::shared_ptr<arrow::Array> out;
    arrow::Status status = builder.Finish(&out);
    if (!status.ok()) return FromArrowStatus(status);
    return out;
  };

  switch (type.kind()) {
    case TypeKind::kString: {
      if (text.type_id() == arrow::Type::STRING) return arrow::MakeArray(text.data());
      arrow::StringBuilder builder;
      MORTAR_RETURN_IF_ARROW_ERROR(builder.Reserve(length));
      for (int64_t i = 0; i < length; ++i) {
        if (strings.IsNull(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
        } else {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(value_at(i)));
        }
      }
      return finish(builder);
    }
    case TypeKind::kBinary: {
      arrow::BinaryBuilder builder;
      for (int64_t i = 0; i < length; ++i) {
        if (strings.IsNull(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
        } else {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(value_at(i)));
        }
      }
      return finish(builder);
    }
    case TypeKind::kInt8:
    case TypeKind::kInt16:
    case TypeKind::kInt32:
    case TypeKind::kInt64: {
      int64_t low = std::numeric_limits<int64_t>::min();
      int64_t high = std::numeric_limits<int64_t>::max();
      if (type.kind() == TypeKind::kInt8) {
        low = INT8_MIN;
        high = INT8_MAX;
      } else if (type.kind() == TypeKind::kInt16) {
        low = INT16_MIN;
        high = INT16_MAX;
      } else if (type.kind() == TypeKind::kInt32) {
        low = INT32_MIN;
        high = INT32_MAX;
      }
      std::unique_ptr<arrow::ArrayBuilder> builder;
      MORTAR_RETURN_IF_ARROW_ERROR(
          arrow::MakeBuilder(arrow::default_memory_pool(), type.ToArrow(), &builder));
      MORTAR_RETURN_IF_ARROW_ERROR(builder->Reserve(length));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder->AppendNull());
          continue;
        }
        auto value = ParseInteger(value_at(i));
        if (!value) return ConversionError(origin, i, value_at(i), type);
        if (*value < low || *value > high) {
          return ConversionError(origin, i, value_at(i), type, "out of range");
        }
        switch (type.kind()) {
          case TypeKind::kInt8:
            MORTAR_RETURN_IF_ARROW_ERROR(static_cast<arrow::Int8Builder*>(builder.get())
                                             ->Append(static_cast<int8_t>(*value)));
            break;
          case TypeKind::kInt16:
            MORTAR_RETURN_IF_ARROW_ERROR(static_cast<arrow::Int16Builder*>(builder.get())
                                             ->Append(static_cast<int16_t>(*value)));
            break;
          case TypeKind::kInt32:
            MORTAR_RETURN_IF_ARROW_ERROR(static_cast<arrow::Int32Builder*>(builder.get())
                                             ->Append(static_cast<int32_t>(*value)));
            break;
          default:
            MORTAR_RETURN_IF_ARROW_ERROR(
                static_cast<arrow::Int64Builder*>(builder.get())->Append(*value));
            break;
        }
      }
      return finish(*builder);
    }
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      arrow::DoubleBuilder doubles;
      arrow::FloatBuilder floats;
      MORTAR_RETURN_IF_ARROW_ERROR(
          (type.kind() == TypeKind::kDouble ? doubles.Reserve(length) : floats.Reserve(length)));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(
              (type.kind() == TypeKind::kDouble ? doubles.AppendNull() : floats.AppendNull()));
          continue;
        }
        auto value = ParseDouble(value_at(i));
        if (!value) return ConversionError(origin, i, value_at(i), type);
        MORTAR_RETURN_IF_ARROW_ERROR((type.kind() == TypeKind::kDouble
                                          ? doubles.Append(*value)
                                          : floats.Append(static_cast<float>(*value))));
      }
      return type.kind() == TypeKind::kDouble ? finish(doubles) : finish(floats);
    }
    case TypeKind::kBoolean: {
      arrow::BooleanBuilder builder;
      MORTAR_RETURN_IF_ARROW_ERROR(builder.Reserve(length));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
          continue;
        }
        auto value = ParseBoolean(value_at(i));
        if (!value) return ConversionError(origin, i, value_at(i), type);
        MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(*value));
      }
      return finish(builder);
    }
    case TypeKind::kDecimal: {
      arrow::Decimal128Builder builder(type.ToArrow());
      MORTAR_RETURN_IF_ARROW_ERROR(builder.Reserve(length));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
          continue;
        }
        arrow::Decimal128 value;
        int32_t precision = 0;
        int32_t scale = 0;
        std::string trimmed(Trim(value_at(i)));
        if (!trimmed.empty() && trimmed.front() == '+') trimmed.erase(0, 1);
        if (!arrow::Decimal128::FromString(trimmed, &value, &precision, &scale).ok()) {
          return ConversionError(origin, i, value_at(i), type);
        }
        if (scale != type.scale()) {
          // Rounding half away from zero when there are more digits than the scale.
          if (scale > type.scale()) {
            auto reduced = value.ReduceScaleBy(scale - type.scale(), /*round=*/true);
            value = reduced;
          } else {
            auto rescaled = value.Rescale(scale, type.scale());
            if (!rescaled.ok())
              return ConversionError(origin, i, value_at(i), type, "too many digits");
            value = *rescaled;
          }
        }
        if (!value.FitsInPrecision(type.precision())) {
          return ConversionError(origin, i, value_at(i), type, "too many digits");
        }
        MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(value));
      }
      return finish(builder);
    }
    case TypeKind::kDate: {
      arrow::Date32Builder builder;
      MORTAR_RETURN_IF_ARROW_ERROR(builder.Reserve(length));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
          continue;
        }
        auto value = ParseDate(value_at(i));
        if (!value) {
          // A timestamp at midnight is a date too.
          auto timestamp = ParseTimestamp(value_at(i));
          if (!timestamp || *timestamp % 86400000000LL != 0) {
            return ConversionError(origin, i, value_at(i), type, "expected YYYY-MM-DD");
          }
          value = static_cast<int32_t>(*timestamp / 86400000000LL);
        }
        MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(*value));
      }
      return finish(builder);
    }
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampNtz: {
      arrow::TimestampBuilder builder(type.ToArrow(), arrow::default_memory_pool());
      MORTAR_RETURN_IF_ARROW_ERROR(builder.Reserve(length));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
          continue;
        }
        auto value = ParseTimestamp(value_at(i));
        if (!value) {
          return ConversionError(origin, i, value_at(i), type,
                                 "expected YYYY-MM-DD HH:MM:SS[.ffffff][Z|+hh:mm]");
        }
        MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(*value));
      }
      return finish(builder);
    }
    case TypeKind::kArray:
    case TypeKind::kMap:
    case TypeKind::kStruct: {
      std::unique_ptr<arrow::ArrayBuilder> builder;
      MORTAR_RETURN_IF_ARROW_ERROR(
          arrow::MakeBuilder(arrow::default_memory_pool(), type.ToArrow(), &builder));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder->AppendNull());
          continue;
        }
        auto json = nlohmann::json::parse(value_at(i), nullptr, /*allow_exceptions=*/false);
        if (json.is_discarded()) return ConversionError(origin, i, value_at(i), type, "not JSON");
        arrow::Status status = AppendJson(builder.get(), json);
        if (!status.ok()) return ConversionError(origin, i, value_at(i), type, status.message());
      }
      return finish(*builder);
    }
  }
  return Status::Internal("unhandled type " + type.ToString());
}

void TypeGuesser::Observe(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return;
  any_ = true;
  if (can_boolean_ && !(EqualsIgnoreCase(text, "true") || EqualsIgnoreCase(text, "false"))) {
    can_boolean_ = false;
  }
  if (can_integer_ && !ParseNumber<int64_t>(text)) can_integer_ = false;
  if (can_double_ && !ParseNumber<double>(text)) can_double_ = false;
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

namespace mortar {

namespace {

// JSON text of a value whose strings may hold bytes that are not UTF-8 (binary inside
// nested values): those become U+FFFD instead of an exception.
std::string JsonText(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json ScalarToJson(const arrow::Scalar& scalar) {
  if (!scalar.is_valid) return nullptr;
  switch (scalar.type->id()) {
    case arrow::Type::BOOL:
      return static_cast<const arrow::BooleanScalar&>(scalar).value;
    case arrow::Type::INT8:
      return static_cast<const arrow::Int8Scalar&>(scalar).value;
    case arrow::Type::INT16:
      return static_cast<const arrow::Int16Scalar&>(scalar).value;
    case arrow::Type::INT32:
      return static_cast<const arrow::Int32Scalar&>(scalar).value;
    case arrow::Type::INT64:
      return static_cast<const arrow::Int64Scalar&>(scalar).value;
    case arrow::Type::FLOAT:
      return static_cast<const arrow::FloatScalar&>(scalar).value;
    case arrow::Type::DOUBLE:
      return static_cast<const arrow::DoubleScalar&>(scalar).value;
    case arrow::Type::DATE32:
      return FormatDate(static_cast<const arrow::Date32Scalar&>(scalar).value);
    case arrow::Type::TIMESTAMP: {
      const auto& timestamp = static_cast<const arrow::TimestampScalar&>(scalar);
      bool zone = !static_cast<const arrow::TimestampType&>(*scalar.type).timezone().empty();
      return FormatTimestamp(timestamp.value, zone);
    }
    case arrow::Type::LIST: {
      const auto& list = static_cast<const arrow::ListScalar&>(scalar);
      nlohmann::json out = nlohmann::json::array();
      for (int64_t i = 0; i < list.value->length(); ++i) {
        out.push_back(ScalarToJson(*list.value->GetScalar(i).ValueOrDie()));
      }
      return out;
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapScalar&>(scalar);
      const auto& entries = static_cast<const arrow::StructArray&>(*map.value);
      nlohmann::json out = nlohmann::json::object();
      for (int64_t i = 0; i < entries.length(); ++i) {
        auto key = ScalarToJson(*entries.field(0)->GetScalar(i).ValueOrDie());
        out[key.is_string() ? key.get<std::string>() : JsonText(key)] =
            ScalarToJson(*entries.field(1)->GetScalar(i).ValueOrDie());
      }
      return out;
    }
    case arrow::Type::STRUCT: {
      const auto& record = static_cast<const arrow::StructScalar&>(scalar);
      nlohmann::json out = nlohmann::json::object();
      for (int i = 0; i < scalar.type->num_fields(); ++i) {
        out[scalar.type->field(i)->name()] = ScalarToJson(*record.value[i]);
      }
      return out;
    }
    default:
      return scalar.ToString();
  }
}

}  // namespace

std::string CellToJson(const arrow::Array& array, int64_t index) {
  if (array.IsNull(index)) return "null";
  if (array.type_id() == arrow::Type::DECIMAL128) {
    return nlohmann::json(static_cast<const arrow::Decimal128Array&>(array).FormatValue(index))
        .dump();
  }
  if (array.type_id() == arrow::Type::BINARY) {
    return nlohmann::json(std::string(static_cast<const arrow::BinaryArray&>(array).GetView(index)))
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  auto scalar = array.GetScalar(index);
  if (!scalar.ok()) return "null";
  return JsonText(ScalarToJson(**scalar));
}

std::string CellToText(const arrow::Array& array, int64_t index) {
  if (array.IsNull(index)) return "";
  switch (array.type_id()) {
    case arrow::Type::STRING:
      return std::string(static_cast<const arrow::StringArray&>(array).GetView(index));
    case arrow::Type::BINARY:
      return std::string(static_cast<const arrow::BinaryArray&>(array).GetView(index));
    case arrow::Type::DECIMAL128:
      return static_cast<const arrow::Decimal128Array&>(array).FormatValue(index);
    case arrow::Type::LIST:
    case arrow::Type::MAP:
    case arrow::Type::STRUCT:
      return CellToJson(array, index);
    default:
      break;
  }
  auto scalar = array.GetScalar(index);
  if (!scalar.ok()) return "";
  nlohmann::json value = ScalarToJson(**scalar);
  return value.is_string() ? value.get<std::string>() : value.dump();
}

Result<std::shared_ptr<arrow::Array>> NestedToJsonText(const arrow::Array& nested) {
  arrow::StringBuilder builder;
  for (int64_t i = 0; i < nested.length(); ++i) {
    if (nested.IsNull(i)) {
      MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
      continue;
    }
    auto scalar = nested.GetScalar(i);
    if (!scalar.ok()) return FromArrowStatus(scalar.status());
    MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(JsonText(ScalarToJson(**scalar))));
  }
  std::shared_ptr<arrow::Array> out;
  arrow::Status status = builder.Finish(&out);
  if (!status.ok()) return FromArrowStatus(status);
  return out;
}

std::string EscapeMarkup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string AsciiUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace mortar
