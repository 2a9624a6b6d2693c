// Prints rows as an aligned text table or as JSON.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "mortar/core/batch.h"

namespace mortar::cli {

void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

// Prints a reader's rows (a preview: callers limit it) as a table or JSON.
Status PrintRows(std::ostream& out, BatchReader& reader, bool json);

}  // namespace mortar::cli
