#include "http/xml_value.h"

#include <string_view>
#include <utility>

namespace mortar::http {

std::string XmlValue(const std::string& xml, const std::string& tag, std::size_t* from) {
  std::size_t start = xml.find("<" + tag + ">", from ? *from : 0);
  if (start == std::string::npos) {
    if (from) *from = std::string::npos;
    return "";
  }
  start += tag.size() + 2;
  std::size_t end = xml.find("</" + tag + ">", start);
  if (end == std::string::npos) end = xml.size();
  if (from) *from = end;
  std::string value = xml.substr(start, end - start);
  // The five XML entities, as S3 and Azure write them in keys and messages.
  for (auto [entity, text] :
       {std::pair{"&amp;", "&"}, std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"},
        std::pair{"&quot;", "\""}, std::pair{"&apos;", "'"}}) {
    for (auto at = value.find(entity); at != std::string::npos; at = value.find(entity, at + 1))
      value.replace(at, std::string_view(entity).size(), text);
  }
  return value;
}

std::vector<std::string> XmlValues(const std::string& xml, const std::string& tag,
                                   std::size_t from) {
  std::vector<std::string> values;
  while (true) {
    std::string value = XmlValue(xml, tag, &from);
    if (from == std::string::npos) return values;
    values.push_back(std::move(value));
  }
}

}  // namespace mortar::http
