// A query built step by step: each step is one SELECT reading the previous step, and
// the whole is written as one statement with one common table expression (CTE) per
// step, so the generated SQL reads like the recipe. A value type; not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "mortar/core/schema.h"
#include "mortar/sql/dialect.h"

namespace mortar::sql {

class QueryBuilder {
 public:
  // `source` is what the first step reads: a quoted table name or a subquery.
  QueryBuilder(const Dialect& dialect, std::string source, Schema schema);

  const Dialect& dialect() const { return *dialect_; }
  // What the next step reads from, and its columns.
  const std::string& from() const { return from_; }
  const Schema& schema() const { return schema_; }

  // Adds a step: `select` is a whole SELECT reading from(); `label` names the CTE
  // (step<N>_<label>) so that the SQL says what each step does.
  void Add(const std::string& label, std::string select, Schema schema);
  // SELECT <columns> FROM from() [<rest>] as a step, the columns given as
  // "expression AS name" items.
  void AddSelect(const std::string& label, const std::vector<std::string>& items, Schema schema,
                 const std::string& rest = {});

  // The query: the single SELECT when there is one step, else WITH ... SELECT.
  std::string ToSql() const;

  // "expression AS name" with the name quoted, or the bare quoted name when the
  // expression is that column.
  std::string Item(const std::string& expression, const std::string& name) const;
  // Every column of schema() as items, unchanged.
  std::vector<std::string> PassThrough() const;

 private:
  const Dialect* dialect_;
  std::string source_;
  std::string from_;
  Schema schema_;
  std::vector<std::pair<std::string, std::string>> steps_;  // (name, select)
};

// Lines of a comma-separated list, indented: "a,\n  b,\n  c".
std::string JoinLines(const std::vector<std::string>& items, const std::string& indent = "  ");

}  // namespace mortar::sql
