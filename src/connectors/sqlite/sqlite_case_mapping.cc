#include "connectors/sqlite/sqlite_case_mapping.h"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <iterator>

#include "mortar/core/utf8.h"

namespace mortar::sqlite {

namespace {

// glibc's C.UTF-8 locale (built in since 2.35), made once; null where it is missing.
locale_t Utf8Locale() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return locale;
}

// The code point at text[i] and its length in bytes; length 0 for bytes that are not
// well-formed UTF-8.
std::pair<char32_t, std::size_t> Decode(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  std::size_t length = lead < 0x80           ? 1
                       : (lead >> 5) == 0x6  ? 2
                       : (lead >> 4) == 0xE  ? 3
                       : (lead >> 3) == 0x1E ? 4
                                             : 0;
  if (length == 0 || i + length > text.size()) return {0, 0};
  if (length == 1) return {lead, 1};
  char32_t code = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0, 0};
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not characters.
  static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kSmallest[length] || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) {
    return {0, 0};
  }
  return {code, length};
}

// Maps the letters of `text` with `map(code, locale, previous_is_letter, next_is_letter,
// out)`; bytes that are not well-formed UTF-8 stay as they are.
template <typename Map>
std::string MapCase(std::string_view text, Map map) {
  std::string out;
  out.reserve(text.size());
  locale_t locale = Utf8Locale();
  auto is_letter = [&](char32_t code) {
    return locale != nullptr && iswalpha_l(static_cast<wint_t>(code), locale) != 0;
  };
  bool after_letter = false;
  for (std::size_t i = 0; i < text.size();) {
    auto [code, length] = Decode(text, i);
    if (length == 0) {
      out += text[i++];
      after_letter = false;
      continue;
    }
    auto [next, next_length] = i + length < text.size() ? Decode(text, i + length)
                                                        : std::pair<char32_t, std::size_t>{0, 0};
    bool next_is_letter = next_length > 0 && is_letter(next);
    map(code, code < 0x80 ? nullptr : locale, after_letter, next_is_letter, out);
    after_letter = is_letter(code);
    i += length;
  }
  return out;
}

// The letters whose capital is more than one character (Unicode's SpecialCasing.txt,
// its unconditional mappings, as Unicode 14 has them; listed from Python's str.upper),
// in code point order: `ß` is `SS`, `ﬁ` is `FI`. Databricks (Java) maps them so; the C
// library's towupper maps one character to one and leaves them.
struct LongCapital {
  char32_t code;
  const char* capital;  // UTF-8
};
constexpr LongCapital kLongCapitals[] = {
    {0x00DF, "SS"},
    {0x0149, "\xCA\xBCN"},
    {0x01F0, "J\xCC\x8C"},
    {0x0390, "\xCE\x99\xCC\x88\xCC\x81"},
    {0x03B0, "\xCE\xA5\xCC\x88\xCC\x81"},
    {0x0587, "\xD4\xB5\xD5\x92"},
    {0x1E96, "H\xCC\xB1"},
    {0x1E97, "T\xCC\x88"},
    {0x1E98, "W\xCC\x8A"},
    {0x1E99, "Y\xCC\x8A"},
    {0x1E9A, "A\xCA\xBE"},
    {0x1F50, "\xCE\xA5\xCC\x93"},
    {0x1F52, "\xCE\xA5\xCC\x93\xCC\x80"},
    {0x1F54, "\xCE\xA5\xCC\x93\xCC\x81"},
    {0x1F56, "\xCE\xA5\xCC\x93\xCD\x82"},
    {0x1F80, "\xE1\xBC\x88\xCE\x99"},
    {0x1F81, "\xE1\xBC\x89\xCE\x99"},
    {0x1F82, "\xE1\xBC\x8A\xCE\x99"},
    {0x1F83, "\xE1\xBC\x8B\xCE\x99"},
    {0x1F84, "\xE1\xBC\x8C\xCE\x99"},
    {0x1F85, "\xE1\xBC\x8D\xCE\x99"},
    {0x1F86, "\xE1\xBC\x8E\xCE\x99"},
    {0x1F87, "\xE1\xBC\x8F\xCE\x99"},
    {0x1F88, "\xE1\xBC\x88\xCE\x99"},
    {0x1F89, "\xE1\xBC\x89\xCE\x99"},
    {0x1F8A, "\xE1\xBC\x8A\xCE\x99"},
    {0x1F8B, "\xE1\xBC\x8B\xCE\x99"},
    {0x1F8C, "\xE1\xBC\x8C\xCE\x99"},
    {0x1F8D, "\xE1\xBC\x8D\xCE\x99"},
    {0x1F8E, "\xE1\xBC\x8E\xCE\x99"},
    {0x1F8F, "\xE1\xBC\x8F\xCE\x99"},
    {0x1F90, "\xE1\xBC\xA8\xCE\x99"},
    {0x1F91, "\xE1\xBC\xA9\xCE\x99"},
    {0x1F92, "\xE1\xBC\xAA\xCE\x99"},
    {0x1F93, "\xE1\xBC\xAB\xCE\x99"},
    {0x1F94, "\xE1\xBC\xAC\xCE\x99"},
    {0x1F95, "\xE1\xBC\xAD\xCE\x99"},
    {0x1F96, "\xE1\xBC\xAE\xCE\x99"},
    {0x1F97, "\xE1\xBC\xAF\xCE\x99"},
    {0x1F98, "\xE1\xBC\xA8\xCE\x99"},
    {0x1F99, "\xE1\xBC\xA9\xCE\x99"},
    {0x1F9A, "\xE1\xBC\xAA\xCE\x99"},
    {0x1F9B, "\xE1\xBC\xAB\xCE\x99"},
    {0x1F9C, "\xE1\xBC\xAC\xCE\x99"},
    {0x1F9D, "\xE1\xBC\xAD\xCE\x99"},
    {0x1F9E, "\xE1\xBC\xAE\xCE\x99"},
    {0x1F9F, "\xE1\xBC\xAF\xCE\x99"},
    {0x1FA0, "\xE1\xBD\xA8\xCE\x99"},
    {0x1FA1, "\xE1\xBD\xA9\xCE\x99"},
    {0x1FA2, "\xE1\xBD\xAA\xCE\x99"},
    {0x1FA3, "\xE1\xBD\xAB\xCE\x99"},
    {0x1FA4, "\xE1\xBD\xAC\xCE\x99"},
    {0x1FA5, "\xE1\xBD\xAD\xCE\x99"},
    {0x1FA6, "\xE1\xBD\xAE\xCE\x99"},
    {0x1FA7, "\xE1\xBD\xAF\xCE\x99"},
    {0x1FA8, "\xE1\xBD\xA8\xCE\x99"},
    {0x1FA9, "\xE1\xBD\xA9\xCE\x99"},
    {0x1FAA, "\xE1\xBD\xAA\xCE\x99"},
    {0x1FAB, "\xE1\xBD\xAB\xCE\x99"},
    {0x1FAC, "\xE1\xBD\xAC\xCE\x99"},
    {0x1FAD, "\xE1\xBD\xAD\xCE\x99"},
    {0x1FAE, "\xE1\xBD\xAE\xCE\x99"},
    {0x1FAF, "\xE1\xBD\xAF\xCE\x99"},
    {0x1FB2, "\xE1\xBE\xBA\xCE\x99"},
    {0x1FB3, "\xCE\x91\xCE\x99"},
    {0x1FB4, "\xCE\x86\xCE\x99"},
    {0x1FB6, "\xCE\x91\xCD\x82"},
    {0x1FB7, "\xCE\x91\xCD\x82\xCE\x99"},
    {0x1FBC, "\xCE\x91\xCE\x99"},
    {0x1FC2, "\xE1\xBF\x8A\xCE\x99"},
    {0x1FC3, "\xCE\x97\xCE\x99"},
    {0x1FC4, "\xCE\x89\xCE\x99"},
    {0x1FC6, "\xCE\x97\xCD\x82"},
    {0x1FC7, "\xCE\x97\xCD\x82\xCE\x99"},
    {0x1FCC, "\xCE\x97\xCE\x99"},
    {0x1FD2, "\xCE\x99\xCC\x88\xCC\x80"},
    {0x1FD3, "\xCE\x99\xCC\x88\xCC\x81"},
    {0x1FD6, "\xCE\x99\xCD\x82"},
    {0x1FD7, "\xCE\x99\xCC\x88\xCD\x82"},
    {0x1FE2, "\xCE\xA5\xCC\x88\xCC\x80"},
    {0x1FE3, "\xCE\xA5\xCC\x88\xCC\x81"},
    {0x1FE4, "\xCE\xA1\xCC\x93"},
    {0x1FE6, "\xCE\xA5\xCD\x82"},
    {0x1FE7, "\xCE\xA5\xCC\x88\xCD\x82"},
    {0x1FF2, "\xE1\xBF\xBA\xCE\x99"},
    {0x1FF3, "\xCE\xA9\xCE\x99"},
    {0x1FF4, "\xCE\x8F\xCE\x99"},
    {0x1FF6, "\xCE\xA9\xCD\x82"},
    {0x1FF7, "\xCE\xA9\xCD\x82\xCE\x99"},
    {0x1FFC, "\xCE\xA9\xCE\x99"},
    {0xFB00, "FF"},
    {0xFB01, "FI"},
    {0xFB02, "FL"},
    {0xFB03, "FFI"},
    {0xFB04, "FFL"},
    {0xFB05, "ST"},
    {0xFB06, "ST"},
    {0xFB13, "\xD5\x84\xD5\x86"},
    {0xFB14, "\xD5\x84\xD4\xB5"},
    {0xFB15, "\xD5\x84\xD4\xBB"},
    {0xFB16, "\xD5\x8E\xD5\x86"},
    {0xFB17, "\xD5\x84\xD4\xBD"},
};

void Upper(char32_t code, locale_t locale, std::string& out) {
  if (locale == nullptr) return AppendUtf8(code >= 'a' && code <= 'z' ? code - 32 : code, out);
  const auto* end = std::end(kLongCapitals);
  const auto* found = std::lower_bound(std::begin(kLongCapitals), end, code,
                                       [](const LongCapital& l, char32_t c) { return l.code < c; });
  if (found != end && found->code == code) {
    out += found->capital;
    return;
  }
  AppendUtf8(static_cast<char32_t>(towupper_l(static_cast<wint_t>(code), locale)), out);
}

constexpr char32_t kCapitalSigma = 0x03A3;
constexpr char32_t kFinalSigma = 0x03C2;
constexpr char32_t kCapitalIWithDot = 0x0130;

// `next_is_letter`, `after_letter`: the letters around this one, for the Greek capital
// sigma, which ends a word as ς and is σ elsewhere (as Databricks lowers it).
void Lower(char32_t code, locale_t locale, bool after_letter, bool next_is_letter,
           std::string& out) {
  if (locale == nullptr) return AppendUtf8(code >= 'A' && code <= 'Z' ? code + 32 : code, out);
  if (code == kCapitalIWithDot) {
    out += "i\xCC\x87";  // i and a combining dot above, as SpecialCasing.txt says
    return;
  }
  if (code == kCapitalSigma && after_letter && !next_is_letter) return AppendUtf8(kFinalSigma, out);
  AppendUtf8(static_cast<char32_t>(towlower_l(static_cast<wint_t>(code), locale)), out);
}

template <std::string (*Mapping)(std::string_view)>
void CaseFunction(sqlite3_context* context, int, sqlite3_value** values) {
  if (sqlite3_value_type(values[0]) == SQLITE_NULL) return sqlite3_result_null(context);
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(values[0]));
  if (text == nullptr) return sqlite3_result_error_nomem(context);
  std::string mapped =
      Mapping(std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(values[0]))));
  sqlite3_result_text(context, mapped.data(), static_cast<int>(mapped.size()), SQLITE_TRANSIENT);
}

}  // namespace

std::string UnicodeUpper(std::string_view text) {
  return MapCase(text, [](char32_t code, locale_t locale, bool, bool, std::string& out) {
    Upper(code, locale, out);
  });
}

std::string UnicodeLower(std::string_view text) {
  return MapCase(text, Lower);
}

Status RegisterCaseMapping(sqlite3* db) {
  // Without the C.UTF-8 tables, SQLite's own functions stay (ASCII only).
  if (Utf8Locale() == nullptr) return Status::OK();
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  int code = sqlite3_create_function_v2(db, "upper", 1, kFlags, nullptr, CaseFunction<UnicodeUpper>,
                                        nullptr, nullptr, nullptr);
  if (code == SQLITE_OK) {
    code = sqlite3_create_function_v2(db, "lower", 1, kFlags, nullptr, CaseFunction<UnicodeLower>,
                                      nullptr, nullptr, nullptr);
  }
  if (code != SQLITE_OK) {
    return Status::Internal(std::string("cannot register SQLite's upper and lower: ") +
                            sqlite3_errstr(code));
  }
  return Status::OK();
}

}  // namespace mortar::sqlite
