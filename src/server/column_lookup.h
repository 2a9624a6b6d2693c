// Columns as clients name them: found by exact name, else ignoring ASCII case (pandas
// users write "Amount" for "amount"); names listed in messages.
#pragma once

#include <arrow/type.h>

#include <optional>
#include <string>
#include <vector>

namespace mortar::server {

std::optional<int> FieldIndex(const arrow::Schema& schema, const std::string& name);
// "a, b, c"
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace mortar::server
