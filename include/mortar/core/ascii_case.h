// Case in ASCII only, never the locale's: SQL keywords and function names, and the
// words of text values (true, nan). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace mortar {

bool AsciiEqualsIgnoreCase(std::string_view a, std::string_view b);
std::string AsciiUpper(std::string_view text);
std::string AsciiLower(std::string_view text);

}  // namespace mortar
