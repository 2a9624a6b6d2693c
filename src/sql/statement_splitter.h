// Splits a SQL script into statements at semicolons outside quotes and comments.
#pragma once

#include <string>
#include <vector>

namespace mortar::sql {

// `backslash_escapes`: a backslash escapes the next character inside quotes (Spark).
std::vector<std::string> SplitStatements(const std::string& script, bool backslash_escapes = false);

}  // namespace mortar::sql
