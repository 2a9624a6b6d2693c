// Whole numbers from text that comes from outside (a server's answer, a file, a flag,
// a CSV cell): with std::from_chars, so no exception, no locale, and the whole text
// or nothing. Surrounding spaces and a leading '+' are allowed.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mortar {

std::optional<int64_t> ParseInteger(std::string_view text);

}  // namespace mortar
