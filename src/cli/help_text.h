// The help text of `mortar` and of each verb.
#pragma once

#include <map>
#include <string>

namespace mortar::cli {

// `mortar --help`: the verbs, the global options and the exit codes.
extern const char* const kGlobalHelp;
// `mortar VERB --help`, by verb.
const std::map<std::string, std::string>& VerbHelp();

}  // namespace mortar::cli
