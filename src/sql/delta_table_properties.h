// The table properties a Delta table needs for its schema, for every statement that
// creates or replaces one (CREATE TABLE, CREATE OR REPLACE TABLE ... AS):
// - column mapping by name ('delta.columnMapping.mode' = 'name', with the reader and
//   writer versions it needs) when a column's name holds a character Delta refuses
//   without it (space and ,;{}()=, newline, tab);
// - on a replace, the timestampNtz feature when a column is a timestamp without time
//   zone: Delta turns it on by itself when it creates a table, not when it replaces
//   one created without it.
#pragma once

#include <string>
#include <string_view>

#include "mortar/core/schema.h"

namespace mortar::sql {

// Whether Delta needs column mapping to hold a column of this name.
bool DeltaNeedsColumnMapping(std::string_view name);

// " TBLPROPERTIES (...)", or "" when the schema needs none.
std::string DeltaTableProperties(const Schema& schema, bool replacing);

}  // namespace mortar::sql
