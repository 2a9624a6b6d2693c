// Formulas: a small, typed expression language that visual recipes use for filters,
// computed columns and conditions, compiled to SQL for any dialect. Users never write
// dialect SQL here, so the same formula means the same thing on every database, and
// every name and value is quoted by the dialect (no injection).
//
//   price * quantity              concat(first, ' ', last)        day >= '2024-01-01'
//   if(qty > 10, 'bulk', 'unit')  `unit price` / 100              amount IS NOT NULL
//
// Columns are bare names or `backquoted` (`` doubles a backquote); strings take
// single quotes ('' doubles one); operators: + - * / % = != <> < <= > >= AND OR NOT,
// IS [NOT] NULL, [NOT] IN (...). Functions are listed in docs/recipes.md. Values of Expression are
// immutable; everything here is thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mortar/core/schema.h"
#include "mortar/sql/dialect.h"

namespace mortar::sql {

struct Expression {
  enum class Kind {
    kNumber,
    kString,
    kBoolean,
    kNull,
    kColumn,
    kUnary,
    kBinary,
    kCall,
    kIsNull,
    kIn,  // arguments[0] [NOT] IN (arguments[1], ...)
  };
  Kind kind = Kind::kNull;
  // The number's text, the string's value, the column's name, the operator ("-",
  // "NOT", "+", "AND"...), the function's name, for kIsNull "IS" / "IS NOT", for kIn
  // "IN" / "NOT IN".
  std::string text;
  bool boolean = false;
  std::vector<Expression> arguments;
  // Levels of the tree from this node down (1 for a value or a column).
  int depth = 1;
};

// The deepest formula the parser accepts: far beyond what anyone writes, far below
// what would exhaust a thread's stack while parsing, compiling or freeing it.
inline constexpr int kMaxFormulaDepth = 200;

// Parses a formula; errors say where (character offset) and what was expected.
Result<Expression> ParseExpression(std::string_view text);

struct CompiledExpression {
  std::string sql;
  Type type;
};

// Checks the formula against the columns (unknown columns and type mismatches are
// errors that name them) and writes it in the dialect.
Result<CompiledExpression> CompileExpression(const Expression& expression, const Dialect& dialect,
                                             const Schema& columns);
// Parses and compiles.
Result<CompiledExpression> CompileFormula(std::string_view text, const Dialect& dialect,
                                          const Schema& columns);

// A formula that must be a condition (boolean), as SQL.
Result<std::string> CompileCondition(std::string_view text, const Dialect& dialect,
                                     const Schema& columns);

// A value given as text (from a recipe's JSON), as a literal comparable with a column
// of `type`: numbers must be numbers, booleans true or false, anything else is quoted.
Result<std::string> ValueLiteral(const Dialect& dialect, std::string_view value, const Type& type);

}  // namespace mortar::sql
