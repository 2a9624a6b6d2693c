// The web page of `mortar serve`: one HTML page, its script and its style sheet.
#pragma once

#include <string_view>

namespace mortar::server {

std::string_view WebPageHtml();
std::string_view WebPageScript();
std::string_view WebPageStyle();

}  // namespace mortar::server
