// Writing characters as UTF-8. Stateless.
#pragma once

#include <string>

namespace mortar {

// Appends `code` (a Unicode scalar value: at most U+10FFFF, not a surrogate) as UTF-8.
void AppendUtf8(char32_t code, std::string& out);

}  // namespace mortar
