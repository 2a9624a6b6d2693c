#include "connectors/sqlite/sqlite_timestamp.h"

#include <algorithm>
#include <string>

namespace mortar::sqlite {

namespace {

// A byte's place in the order: `Z` (the end of the seconds) first, the rest as bytes.
int Rank(char c) {
  return c == 'Z' ? -1 : static_cast<unsigned char>(c);
}

int Collate(void*, int left_size, const void* left, int right_size, const void* right) {
  return CompareTimestampText(
      std::string_view(static_cast<const char*>(left), static_cast<std::size_t>(left_size)),
      std::string_view(static_cast<const char*>(right), static_cast<std::size_t>(right_size)));
}

}  // namespace

int CompareTimestampText(std::string_view left, std::string_view right) {
  std::size_t common = std::min(left.size(), right.size());
  for (std::size_t i = 0; i < common; ++i) {
    int a = Rank(left[i]);
    int b = Rank(right[i]);
    if (a != b) return a < b ? -1 : 1;
  }
  if (left.size() == right.size()) return 0;
  return left.size() < right.size() ? -1 : 1;
}

Status RegisterTimestampCollation(sqlite3* db) {
  int code =
      sqlite3_create_collation_v2(db, "mortar_timestamp", SQLITE_UTF8, nullptr, Collate, nullptr);
  if (code == SQLITE_OK) return Status::OK();
  return Status::Internal(std::string("cannot register SQLite's timestamp collation: ") +
                          sqlite3_errstr(code));
}

}  // namespace mortar::sqlite
