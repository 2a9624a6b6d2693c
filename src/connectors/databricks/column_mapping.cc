#include "connectors/databricks/column_mapping.h"

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

#include <algorithm>

#include "connectors/databricks/json_fields.h"
#include "mortar/config/document.h"

namespace mortar::databricks {

namespace {

using config::Json;

constexpr int kMaxNesting = 64;

Status ParseType(const Json& type, DeltaField& into, int depth);

Result<DeltaField> ParseField(const Json& field, int depth) {
  if (!Member(field, "name").is_string()) {
    return Status::Invalid("the Delta schema has a field without a name");
  }
  DeltaField parsed;
  parsed.name = Member(field, "name").get<std::string>();
  const Json& metadata = Member(field, "metadata");
  parsed.physical_name = TextField(metadata, "delta.columnMapping.physicalName");
  if (parsed.physical_name.empty()) parsed.physical_name = parsed.name;
  if (Member(metadata, "delta.columnMapping.id").is_number_integer()) {
    parsed.id = Member(metadata, "delta.columnMapping.id").get<int64_t>();
  }
  MORTAR_RETURN_IF_ERROR(ParseType(Member(field, "type"), parsed, depth));
  return parsed;
}

// An array's element or a map's key or value: a type without a field around it.
Status ParseUnnamed(const Json& type, DeltaField& parent, int depth) {
  DeltaField child;
  MORTAR_RETURN_IF_ERROR(ParseType(type, child, depth));
  parent.children.push_back(std::move(child));
  return Status::OK();
}

Status ParseType(const Json& type, DeltaField& into, int depth) {
  if (depth > kMaxNesting) {
    return Status::Invalid("the Delta schema nests types more than " + std::to_string(kMaxNesting) +
                           " deep");
  }
  if (type.is_string()) {
    into.type = type.get<std::string>();
    return Status::OK();
  }
  into.type = TextField(type, "type");
  if (into.type == "struct") {
    if (!Member(type, "fields").is_array()) {
      return Status::Invalid("the Delta schema has a struct without fields");
    }
    for (const auto& field : Member(type, "fields")) {
      MORTAR_ASSIGN_OR_RETURN(DeltaField child, ParseField(field, depth + 1));
      into.children.push_back(std::move(child));
    }
  } else if (into.type == "array") {
    MORTAR_RETURN_IF_ERROR(ParseUnnamed(Member(type, "elementType"), into, depth + 1));
  } else if (into.type == "map") {
    MORTAR_RETURN_IF_ERROR(ParseUnnamed(Member(type, "keyType"), into, depth + 1));
    MORTAR_RETURN_IF_ERROR(ParseUnnamed(Member(type, "valueType"), into, depth + 1));
  } else {
    return Status::Invalid("the Delta schema has a type it does not describe (" +
                           type.dump().substr(0, 100) + ")");
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<DeltaField>> ParseDeltaSchema(const std::string& schema_string) {
  auto schema = Json::parse(schema_string, nullptr, false);
  if (schema.is_discarded() || !Member(schema, "fields").is_array()) {
    return Status::Invalid("the Delta schema is not a struct of fields");
  }
  std::vector<DeltaField> fields;
  for (const auto& field : Member(schema, "fields")) {
    MORTAR_ASSIGN_OR_RETURN(DeltaField parsed, ParseField(field, 0));
    fields.push_back(std::move(parsed));
  }
  return fields;
}

bool FileFieldHolds(const arrow::Field& file_field, const DeltaField& field,
                    ColumnMappingMode mode) {
  switch (mode) {
    case ColumnMappingMode::kNone:
      return file_field.name() == field.name;
    case ColumnMappingMode::kName:
      return file_field.name() == field.physical_name;
    case ColumnMappingMode::kId: {
      if (!field.id || !file_field.metadata()) return false;
      auto id = file_field.metadata()->Get("PARQUET:field_id");
      return id.ok() && *id == std::to_string(*field.id);
    }
  }
  return false;
}

std::shared_ptr<arrow::DataType> WithLogicalNames(const std::shared_ptr<arrow::DataType>& file_type,
                                                  const DeltaField& field, ColumnMappingMode mode) {
  if (mode == ColumnMappingMode::kNone) return file_type;
  auto renamed = [&](const std::shared_ptr<arrow::Field>& child, const DeltaField& table) {
    return child->WithType(WithLogicalNames(child->type(), table, mode));
  };
  switch (file_type->id()) {
    case arrow::Type::STRUCT: {
      if (field.type != "struct") return file_type;
      arrow::FieldVector fields;
      for (const auto& child : file_type->fields()) {
        auto table =
            std::find_if(field.children.begin(), field.children.end(),
                         [&](const DeltaField& c) { return FileFieldHolds(*child, c, mode); });
        fields.push_back(
            table == field.children.end() ? child : renamed(child, *table)->WithName(table->name));
      }
      return arrow::struct_(std::move(fields));
    }
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST: {
      if (field.type != "array" || field.children.size() != 1) return file_type;
      auto element = renamed(file_type->field(0), field.children[0]);
      if (file_type->id() == arrow::Type::LIST) return arrow::list(std::move(element));
      return arrow::large_list(std::move(element));
    }
    case arrow::Type::MAP: {
      if (field.type != "map" || field.children.size() != 2) return file_type;
      const auto& map = static_cast<const arrow::MapType&>(*file_type);
      return std::make_shared<arrow::MapType>(renamed(map.key_field(), field.children[0]),
                                              renamed(map.item_field(), field.children[1]),
                                              map.keys_sorted());
    }
    default:
      return file_type;
  }
}

std::optional<std::string> SparkTypeText(const DeltaField& field) {
  std::vector<std::string> children;
  for (const auto& child : field.children) {
    auto text = SparkTypeText(child);
    if (!text) return std::nullopt;
    if (field.type == "struct") {
      if (child.name.find('`') != std::string::npos) return std::nullopt;
      text = "`" + child.name + "`:" + *text;
    }
    children.push_back(std::move(*text));
  }
  if (field.type == "array" && children.size() == 1) return "array<" + children[0] + ">";
  if (field.type == "map" && children.size() == 2)
    return "map<" + children[0] + "," + children[1] + ">";
  if (field.type == "struct") {
    std::string text = "struct<";
    for (std::size_t i = 0; i < children.size(); ++i) text += (i ? "," : "") + children[i];
    return text + ">";
  }
  if (!children.empty()) return std::nullopt;
  return field.type;
}

}  // namespace mortar::databricks
