// The few values Mortar reads from the XML answers of S3 and Azure Blob Storage
// (error codes and messages, listings): a tag's text, found by search, with the five
// XML entities and character references decoded. Not a parser: enough for those
// services' flat answers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mortar::http {

// The content of the first <tag>…</tag> from `*from` on, as it is written (its own
// elements and entities left as they are: look values up inside it, then decode them
// once); "" when absent, and `*from` becomes npos; `*from` is left at its end.
std::string XmlElement(const std::string& xml, const std::string& tag, std::size_t* from = nullptr);
// The contents of every <tag>…</tag> from `from` on, as written, in order.
std::vector<std::string> XmlElements(const std::string& xml, const std::string& tag,
                                     std::size_t from = 0);
// The text of the first <tag>…</tag> from `*from` on, decoded ("" when absent, and `*from`
// becomes npos); `*from` is left at the end of the value found. For a leaf only.
std::string XmlValue(const std::string& xml, const std::string& tag, std::size_t* from = nullptr);
// XML text with &amp; &lt; &gt; &quot; &apos; and &#N; / &#xH; (as UTF-8) decoded, in one
// pass: "&amp;lt;" is "&lt;", not "<". Anything else after '&' is kept as it is.
std::string DecodeXmlText(std::string_view text);
// The texts of every <tag>…</tag> from `from` on, in order.
std::vector<std::string> XmlValues(const std::string& xml, const std::string& tag,
                                   std::size_t from = 0);

}  // namespace mortar::http
