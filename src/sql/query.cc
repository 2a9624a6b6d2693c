#include "mortar/sql/query.h"

namespace mortar::sql {

namespace {

std::string Indent(const std::string& text, const std::string& indent) {
  std::string out = indent;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  return out;
}

}  // namespace

std::string JoinLines(const std::vector<std::string>& items, const std::string& indent) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ",\n" + indent : "") + items[i];
  return out;
}

QueryBuilder::QueryBuilder(const Dialect& dialect, std::string source, Schema schema)
    : dialect_(&dialect), source_(source), from_(std::move(source)), schema_(std::move(schema)) {}

void QueryBuilder::Add(const std::string& label, std::string select, Schema schema) {
  std::string name = "step" + std::to_string(steps_.size() + 1) + "_" + label;
  steps_.emplace_back(name, std::move(select));
  from_ = name;
  schema_ = std::move(schema);
}

void QueryBuilder::AddSelect(const std::string& label, const std::vector<std::string>& items,
                             Schema schema, const std::string& rest) {
  std::string select = "SELECT\n  " + JoinLines(items) + "\nFROM " + from_;
  if (!rest.empty()) select += "\n" + rest;
  Add(label, std::move(select), std::move(schema));
}

std::string QueryBuilder::ToSql() const {
  if (steps_.empty()) {
    std::vector<std::string> columns;
    for (const auto& column : schema_.columns())
      columns.push_back(dialect_->QuoteIdentifier(column.name));
    return "SELECT\n  " + JoinLines(columns) + "\nFROM " + source_;
  }
  if (steps_.size() == 1) return steps_.front().second;
  std::string sql = "WITH\n";
  for (std::size_t i = 0; i + 1 < steps_.size(); ++i) {
    sql +=
        (i > 0 ? ",\n" : "") + steps_[i].first + " AS (\n" + Indent(steps_[i].second, "  ") + "\n)";
  }
  return sql + "\n" + steps_.back().second;
}

std::string QueryBuilder::Item(const std::string& expression, const std::string& name) const {
  std::string quoted = dialect_->QuoteIdentifier(name);
  if (expression == quoted) return quoted;
  return expression + " AS " + quoted;
}

std::vector<std::string> QueryBuilder::PassThrough() const {
  std::vector<std::string> items;
  for (const auto& column : schema_.columns())
    items.push_back(dialect_->QuoteIdentifier(column.name));
  return items;
}

}  // namespace mortar::sql
