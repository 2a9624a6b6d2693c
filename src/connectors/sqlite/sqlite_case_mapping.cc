#include "connectors/sqlite/sqlite_case_mapping.h"

#include <locale.h>
#include <wctype.h>

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

void Encode(char32_t code, std::string& out) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

template <typename Map>
std::string MapCase(std::string_view text, Map map) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto [code, length] = Decode(text, i);
    if (length == 0) {
      out += text[i++];
      continue;
    }
    Encode(code < 0x80 || Utf8Locale() == nullptr ? map(code, nullptr) : map(code, Utf8Locale()),
           out);
    i += length;
  }
  return out;
}

char32_t Upper(char32_t code, locale_t locale) {
  if (locale == nullptr) return code >= 'a' && code <= 'z' ? code - 32 : code;
  return static_cast<char32_t>(towupper_l(static_cast<wint_t>(code), locale));
}

char32_t Lower(char32_t code, locale_t locale) {
  if (locale == nullptr) return code >= 'A' && code <= 'Z' ? code + 32 : code;
  return static_cast<char32_t>(towlower_l(static_cast<wint_t>(code), locale));
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
  return MapCase(text, Upper);
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
