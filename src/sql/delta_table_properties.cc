#include "sql/delta_table_properties.h"

#include <vector>

namespace mortar::sql {

bool DeltaNeedsColumnMapping(std::string_view name) {
  return name.find_first_of(" ,;{}()\n\t=") != std::string_view::npos;
}

std::string DeltaTableProperties(const Schema& schema, bool replacing) {
  bool mapping = false;
  bool ntz = false;
  for (const auto& column : schema.columns()) {
    mapping = mapping || DeltaNeedsColumnMapping(column.name);
    ntz = ntz || column.type.kind() == TypeKind::kTimestampNtz;
  }
  std::vector<std::string> properties;
  if (mapping) {
    properties.push_back("'delta.columnMapping.mode' = 'name'");
    properties.push_back("'delta.minReaderVersion' = '2'");
    properties.push_back("'delta.minWriterVersion' = '5'");
  }
  if (ntz && replacing) properties.push_back("'delta.feature.timestampNtz' = 'supported'");
  if (properties.empty()) return {};
  std::string text = " TBLPROPERTIES (";
  for (std::size_t i = 0; i < properties.size(); ++i) text += (i ? ", " : "") + properties[i];
  return text + ")";
}

}  // namespace mortar::sql
