// Delta column mapping (table property delta.columnMapping.mode): a mapped table's
// columns, nested fields included, have a logical name (what the table shows, which
// RENAME COLUMN changes) and a physical name and an id that never change. Data files
// name their columns by the physical name and carry the id as Parquet's field_id; the
// log's partition values are keyed by the physical name. In `name` mode a reader finds
// a column in a file by its physical name, in `id` mode by its id; a column a file does
// not hold is null in it (added after the file was written). Internal to the connector.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mortar/core/result.h"

namespace arrow {
class DataType;
class Field;
}  // namespace arrow

namespace mortar::databricks {

enum class ColumnMappingMode { kNone, kName, kId };

// A field of the table's Delta schema, as far as finding it in a data file goes.
struct DeltaField {
  std::string name;           // logical
  std::string physical_name;  // the name in data files and partition values
  std::optional<int64_t> id;  // delta.columnMapping.id, when mapped
  std::string type;           // a primitive's name, or "struct", "array", "map"
  // A struct's fields; an array's element; a map's key and value (the last three unnamed).
  std::vector<DeltaField> children;
};

// The top-level fields of a Delta schema (metaData.schemaString); unmapped fields have
// their name as physical name.
Result<std::vector<DeltaField>> ParseDeltaSchema(const std::string& schema_string);

// A Delta schema's type as Spark spells it ("long", "decimal(18,2)", "array<integer>",
// "struct<`a`:long>"), what the warehouse's descriptions are made from; nullopt for a
// struct field name that a backtick cannot quote.
std::optional<std::string> SparkTypeText(const DeltaField& field);

// Whether a data file's field (as Parquet's Arrow reader gives it) holds `field`.
bool FileFieldHolds(const arrow::Field& file_field, const DeltaField& field,
                    ColumnMappingMode mode);

// The file's type of `field` with the table's logical names for struct fields, found as
// FileFieldHolds does; fields the table no longer has keep the file's names. The same
// layout: a column of the file's type is viewed as this one without a copy.
std::shared_ptr<arrow::DataType> WithLogicalNames(const std::shared_ptr<arrow::DataType>& file_type,
                                                  const DeltaField& field, ColumnMappingMode mode);

}  // namespace mortar::databricks
