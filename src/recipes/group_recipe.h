// The group recipe: keys and aggregations, with optional filters before (on rows) and
// after (on groups), compiled to SQL for in-database engines and, when it maps to
// one, to an Acero plan for the local engine. Both produce OutputSchema().
#pragma once

#include <string>
#include <vector>

#include "mortar/config/model.h"
#include "mortar/sql/dialect.h"

namespace mortar::recipes {

struct GroupAggregation {
  enum class Pick { kNone, kFirst, kLast };  // first/last value in `order_by` order
  std::string column;                        // empty for count(*)
  sql::Aggregate function;
  std::string output_name;
  Pick pick = Pick::kNone;
};

struct GroupSpec {
  std::vector<std::string> keys;
  std::vector<GroupAggregation> aggregations;
  std::string filter_before;  // a formula on input rows; empty for none
  std::string filter_after;   // a formula on output rows
  std::string order_by;       // the column ordering rows for first and last

  static Result<GroupSpec> FromConfig(const config::RecipeConfig& recipe);
  // Checks the columns against the input and gives the output's columns and types.
  Result<Schema> OutputSchema(const Schema& input) const;
  // SELECT keys, aggregates FROM source GROUP BY keys, in the dialect; with filters
  // or first/last, one step per CTE.
  Result<std::string> ToSql(const sql::Dialect& dialect, const std::string& source,
                            const Schema& input) const;
  // Whether the local engine can use an Acero hash aggregation (no filters, no
  // first/last, no stddev).
  bool MapsToAcero() const;
};

std::string_view AggregateName(sql::Aggregate aggregate);
// The type of an aggregate of a column (shared with the window and pivot recipes).
Result<Type> AggregateType(sql::Aggregate function, const Column& column);

}  // namespace mortar::recipes
