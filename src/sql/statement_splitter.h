// Splits a SQL script into statements at semicolons outside quotes and comments.
#pragma once

#include <string>
#include <vector>

namespace mortar::sql {

std::vector<std::string> SplitStatements(const std::string& script);

}  // namespace mortar::sql
