// The group recipe: keys and aggregations, compiled to SQL for in-database engines and
// to an Acero plan for the local engine. Both produce OutputSchema().
#pragma once

#include <string>
#include <vector>

#include "mortar/config/model.h"
#include "mortar/sql/dialect.h"

namespace mortar::recipes {

struct GroupAggregation {
  std::string column;  // empty for count(*)
  sql::Aggregate function;
  std::string output_name;
};

struct GroupSpec {
  std::vector<std::string> keys;
  std::vector<GroupAggregation> aggregations;

  static Result<GroupSpec> FromConfig(const config::RecipeConfig& recipe);
  // Checks the columns against the input and gives the output's columns and types.
  Result<Schema> OutputSchema(const Schema& input) const;
  // SELECT keys, aggregates FROM source GROUP BY keys, in the dialect.
  Result<std::string> ToSql(const sql::Dialect& dialect, const std::string& source,
                            const Schema& input) const;
};

std::string_view AggregateName(sql::Aggregate aggregate);

}  // namespace mortar::recipes
