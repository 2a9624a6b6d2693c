// upper() and lower() for SQLite beyond ASCII: SQLite's own change the letters A to Z
// only, so a formula's upper('zürich') gave 'ZüRICH' on SQLite and 'ZÜRICH' on
// Databricks. Registered on each connection under the built-ins' names, they map each
// character by its simple Unicode case mapping (glibc's C.UTF-8 tables); bytes that
// are not UTF-8 stay as they are. A character whose mapping is several characters
// (German ß to SS, as Java and Spark do it) keeps itself.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "mortar/core/status.h"

namespace mortar::sqlite {

std::string UnicodeUpper(std::string_view text);
std::string UnicodeLower(std::string_view text);

Status RegisterCaseMapping(sqlite3* db);

}  // namespace mortar::sqlite
