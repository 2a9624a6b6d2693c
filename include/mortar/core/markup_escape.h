// Text made safe inside HTML and XML (SVG) markup. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace mortar {

// `text` with & < > " ' escaped, for element content and quoted attribute values.
std::string EscapeMarkup(std::string_view text);

}  // namespace mortar
