// A join recipe resolved against its inputs' schemas: which columns each condition
// compares and which columns the output takes, under which names. The SQL compiler and
// the local hash join both work from it.
#pragma once

#include <string>
#include <vector>

#include "recipes/visual_recipe.h"

namespace mortar::recipes {

struct JoinColumn {
  std::size_t input = 0;  // in the recipe's inputs
  int column = 0;         // in that input's schema
};

struct JoinCondition {
  JoinColumn left;
  JoinColumn right;  // of the input being joined
  std::string op;    // = <> < <= > >=
};

// The first input joined with input `right`.
struct JoinStep {
  std::size_t right = 1;
  std::string type;  // inner, left, right, full, cross
  std::vector<JoinCondition> on;
};

struct JoinOutputColumn {
  JoinColumn source;
  std::string name;
};

struct JoinPlan {
  std::vector<JoinStep> joins;
  std::vector<JoinOutputColumn> select;
  Schema output;
};

// Checks the recipe against the inputs (names, types that compare, output names the
// dialect accepts, no name given twice) and resolves it.
Result<JoinPlan> PlanJoin(const config::RecipeConfig& recipe, const sql::Dialect& dialect,
                          const std::vector<SqlInput>& inputs);

}  // namespace mortar::recipes
