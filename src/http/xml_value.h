// The few values Mortar reads from the XML answers of S3 and Azure Blob Storage
// (error codes and messages, listings): a tag's text, found by search, with the five
// XML entities decoded. Not a parser: enough for those services' flat answers.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mortar::http {

// The text of the first <tag>…</tag> from `*from` on ("" when absent, and `*from`
// becomes npos); `*from` is left at the end of the value found.
std::string XmlValue(const std::string& xml, const std::string& tag, std::size_t* from = nullptr);
// The texts of every <tag>…</tag> from `from` on, in order.
std::vector<std::string> XmlValues(const std::string& xml, const std::string& tag,
                                   std::size_t from = 0);

}  // namespace mortar::http
