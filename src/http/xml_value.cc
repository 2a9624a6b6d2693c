#include "http/xml_value.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "mortar/core/utf8.h"

namespace mortar::http {

namespace {

// A character reference's code point (&#13; or &#x0D;, without '&#' and ';'), or none.
std::optional<uint32_t> CodePoint(std::string_view digits) {
  bool hex = !digits.empty() && (digits[0] == 'x' || digits[0] == 'X');
  if (hex) digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 8) return std::nullopt;
  uint32_t code = 0;
  for (char c : digits) {
    int digit = c >= '0' && c <= '9'          ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
    if (digit < 0) return std::nullopt;
    code = code * (hex ? 16 : 10) + static_cast<uint32_t>(digit);
  }
  if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return std::nullopt;
  return code;
}

}  // namespace

std::string DecodeXmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::size_t semicolon = text[i] == '&' ? text.find(';', i) : std::string_view::npos;
    if (semicolon == std::string_view::npos || semicolon - i > 12) {
      out += text[i];
      continue;
    }
    std::string_view name = text.substr(i + 1, semicolon - i - 1);
    std::optional<uint32_t> code;
    if (name == "amp")
      code = '&';
    else if (name == "lt")
      code = '<';
    else if (name == "gt")
      code = '>';
    else if (name == "quot")
      code = '"';
    else if (name == "apos")
      code = '\'';
    else if (!name.empty() && name[0] == '#')
      code = CodePoint(name.substr(1));
    if (!code) {  // not an entity this knows: kept as it came
      out += text[i];
      continue;
    }
    AppendUtf8(static_cast<char32_t>(*code), out);
    i = semicolon;  // one pass: what an entity decodes to is not decoded again
  }
  return out;
}

std::string XmlElement(const std::string& xml, const std::string& tag, std::size_t* from) {
  std::size_t start = xml.find("<" + tag + ">", from ? *from : 0);
  if (start == std::string::npos) {
    if (from) *from = std::string::npos;
    return "";
  }
  start += tag.size() + 2;
  std::size_t end = xml.find("</" + tag + ">", start);
  if (end == std::string::npos) end = xml.size();
  if (from) *from = end;
  return xml.substr(start, end - start);
}

std::vector<std::string> XmlElements(const std::string& xml, const std::string& tag,
                                     std::size_t from) {
  std::vector<std::string> elements;
  while (true) {
    std::string element = XmlElement(xml, tag, &from);
    if (from == std::string::npos) return elements;
    elements.push_back(std::move(element));
  }
}

std::string XmlValue(const std::string& xml, const std::string& tag, std::size_t* from) {
  return DecodeXmlText(XmlElement(xml, tag, from));
}

std::vector<std::string> XmlValues(const std::string& xml, const std::string& tag,
                                   std::size_t from) {
  std::vector<std::string> values = XmlElements(xml, tag, from);
  for (auto& value : values) value = DecodeXmlText(value);
  return values;
}

}  // namespace mortar::http
