// Schema: the ordered, named, typed columns of a dataset. A value type.
#pragma once

#include <arrow/type_fwd.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mortar/core/types.h"

namespace mortar {

using Column = Field;

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Column> columns) : columns_(std::move(columns)) {}

  const std::vector<Column>& columns() const { return columns_; }
  std::size_t size() const { return columns_.size(); }
  bool empty() const { return columns_.empty(); }
  const Column& operator[](std::size_t index) const { return columns_[index]; }
  void Add(Column column) { columns_.push_back(std::move(column)); }
  // Case-sensitive first, then case-insensitive (SQL identifiers are).
  std::optional<std::size_t> IndexOf(std::string_view name) const;
  std::vector<std::string> Names() const;
  // The named columns, in that order (found as IndexOf finds them); an error names
  // the first column this schema does not have.
  Result<Schema> Select(const std::vector<std::string>& names) const;

  std::shared_ptr<arrow::Schema> ToArrow() const;
  static Result<Schema> FromArrow(const arrow::Schema& schema);
  std::string ToString() const;
  bool operator==(const Schema& other) const = default;

 private:
  std::vector<Column> columns_;
};

}  // namespace mortar
