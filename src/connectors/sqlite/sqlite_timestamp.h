// Timestamps (with zone) in SQLite, which has no type for them: Mortar stores them as
// text in UTC, `2024-01-01 10:00:00Z`, with six digits of fraction when there is one
// (`2024-01-01 10:00:00.500000Z`). Byte by byte the `Z` sorts after the `.`, so the
// half second would come first; such columns are declared with the collation
// `mortar_timestamp`, which orders the `Z` before everything else. ORDER BY, MIN and
// MAX, GROUP BY and comparisons with the column then go by time. (Timestamps without
// zone have no `Z` and sort right by their bytes.)
#pragma once

#include <sqlite3.h>

#include <string_view>

#include "mortar/core/status.h"

namespace mortar::sqlite {

// The collation's order: byte by byte, with `Z` before any other character.
int CompareTimestampText(std::string_view left, std::string_view right);

Status RegisterTimestampCollation(sqlite3* db);

}  // namespace mortar::sqlite
