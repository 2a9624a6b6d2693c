#include "server/column_lookup.h"

#include "mortar/core/ascii_case.h"

namespace mortar::server {

std::optional<int> FieldIndex(const arrow::Schema& schema, const std::string& name) {
  int exact = schema.GetFieldIndex(name);
  if (exact >= 0) return exact;
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (AsciiEqualsIgnoreCase(schema.field(i)->name(), name)) return i;
  }
  return std::nullopt;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

}  // namespace mortar::server
