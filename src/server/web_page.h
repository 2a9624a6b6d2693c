// The studio that `mortar serve` serves: its HTML page, script and style sheet, bundled
// from web/ by web/build.mjs into a generated source (build/*/generated/web).
#pragma once

#include <string_view>

namespace mortar::server {

std::string_view WebPageHtml();
std::string_view WebPageScript();
std::string_view WebPageStyle();

}  // namespace mortar::server
