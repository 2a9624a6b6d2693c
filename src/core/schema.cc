#include "mortar/core/schema.h"

#include <arrow/api.h>
#include <strings.h>

namespace mortar {

std::optional<std::size_t> Schema::IndexOf(std::string_view name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return i;
  }
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const std::string& candidate = columns_[i].name;
    if (candidate.size() == name.size() &&
        strncasecmp(candidate.data(), name.data(), name.size()) == 0) {
      return i;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Schema::Names() const {
  std::vector<std::string> names;
  names.reserve(columns_.size());
  for (const auto& column : columns_) names.push_back(column.name);
  return names;
}

Result<Schema> Schema::Select(const std::vector<std::string>& names) const {
  Schema selected;
  for (const auto& name : names) {
    auto index = IndexOf(name);
    if (!index) return Status::Invalid("no column '" + name + "' among " + ToString());
    selected.Add(columns_[*index]);
  }
  return selected;
}

std::shared_ptr<arrow::Schema> Schema::ToArrow() const {
  arrow::FieldVector fields;
  fields.reserve(columns_.size());
  for (const auto& column : columns_) {
    fields.push_back(arrow::field(column.name, column.type.ToArrow(), column.nullable));
  }
  return arrow::schema(std::move(fields));
}

Result<Schema> Schema::FromArrow(const arrow::Schema& schema) {
  Schema result;
  for (const auto& field : schema.fields()) {
    auto type = Type::FromArrow(*field->type());
    if (!type.ok()) return type.status().WithContext("column '" + field->name() + "'");
    result.Add(Column{field->name(), *type, field->nullable()});
  }
  return result;
}

std::string Schema::ToString() const {
  std::string text;
  for (const auto& column : columns_) {
    if (!text.empty()) text += ", ";
    text += column.name + " " + column.type.ToString();
  }
  return text;
}

}  // namespace mortar
