#include "mortar/core/value_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "mortar/core/ascii_case.h"

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

}  // namespace

std::string_view TrimSpace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<double> ParseDouble(std::string_view text) {
  text = TrimSpace(text);
  // Spelled out, though from_chars reads them too: the forms Spark and pandas write.
  if (AsciiEqualsIgnoreCase(text, "nan")) return std::nan("");
  if (AsciiEqualsIgnoreCase(text, "inf") || AsciiEqualsIgnoreCase(text, "infinity"))
    return HUGE_VAL;
  if (AsciiEqualsIgnoreCase(text, "-inf") || AsciiEqualsIgnoreCase(text, "-infinity")) {
    return -HUGE_VAL;
  }
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int32_t> ParseDate(std::string_view text) {
  text = TrimSpace(text);
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
  text = TrimSpace(text);
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
  text = TrimSpace(text);
  if (AsciiEqualsIgnoreCase(text, "true") || text == "1" || AsciiEqualsIgnoreCase(text, "yes"))
    return true;
  if (AsciiEqualsIgnoreCase(text, "false") || text == "0" || AsciiEqualsIgnoreCase(text, "no"))
    return false;
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

std::string FormatDecimal(std::string_view unscaled, int32_t scale) {
  bool negative = !unscaled.empty() && unscaled.front() == '-';
  std::string digits(negative ? unscaled.substr(1) : unscaled);
  if (scale <= 0) {
    if (digits != "0") digits.append(static_cast<std::size_t>(-static_cast<int64_t>(scale)), '0');
    return (negative ? "-" : "") + digits;
  }
  auto fraction = static_cast<std::size_t>(scale);
  if (digits.size() <= fraction) digits.insert(0, fraction + 1 - digits.size(), '0');
  digits.insert(digits.size() - fraction, 1, '.');
  return (negative ? "-" : "") + digits;
}

std::string FormatDoubleForDisplay(double value, int digits) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char text[40];
  std::snprintf(text, sizeof(text), "%.*g", digits, value);
  return std::string_view(text) == "-0" ? "0" : text;
}

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

}  // namespace mortar
