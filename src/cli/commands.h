// The verbs of the `mortar` command.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/arguments.h"

namespace mortar::cli {

// Runs the command line (without the program name). Output goes to `out`, messages
// to `err`. Returns the status; the caller turns it into the exit code.
Status Run(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err);

// Creates the sample project and builds its flow (mortar quickstart).
Status Quickstart(const Arguments& arguments, std::ostream& out);

}  // namespace mortar::cli
