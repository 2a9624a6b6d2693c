// What the fuzz targets share: the input split into parts, so one input can stand for
// several replies or files. Parts are separated by kPartSeparator; the seed corpora
// (fuzz/corpus/, made by fuzz/make_corpus.py) use it the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mortar::fuzz {

inline constexpr std::string_view kPartSeparator = "\n--MORTAR-FUZZ-PART--\n";

inline std::vector<std::string> SplitParts(const uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  while (true) {
    std::size_t at = input.find(kPartSeparator);
    parts.emplace_back(input.substr(0, at));
    if (at == std::string_view::npos) break;
    input.remove_prefix(at + kPartSeparator.size());
  }
  return parts;
}

}  // namespace mortar::fuzz
