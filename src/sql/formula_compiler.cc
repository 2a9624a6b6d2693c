// The formula language's compiler: type-checks an Expression against the columns it
// names and writes its SQL through the dialect.
#include <algorithm>

#include "mortar/core/ascii_case.h"
#include "mortar/sql/expression.h"

namespace mortar::sql {

namespace {

// A compiled sub-expression; `null` marks the NULL literal, whose type adapts.
struct Typed {
  std::string sql;
  Type type;
  bool null = false;
};

// How a sub-expression is named in error messages.
std::string Describe(const Expression& expression) {
  switch (expression.kind) {
    case Expression::Kind::kColumn:
      return "column '" + expression.text + "'";
    case Expression::Kind::kString:
      return "'" + expression.text + "'";
    case Expression::Kind::kNumber:
      return expression.text;
    case Expression::Kind::kCall:
      return expression.text + "(...)";
    default:
      return "the expression";
  }
}

bool IsNumber(const Typed& value) {
  return value.null || value.type.IsNumeric();
}
bool IsText(const Typed& value) {
  return value.null || value.type.kind() == TypeKind::kString;
}
bool IsBoolean(const Typed& value) {
  return value.null || value.type.kind() == TypeKind::kBoolean;
}
bool IsTemporal(const Typed& value) {
  return value.null || value.type.kind() == TypeKind::kDate ||
         value.type.kind() == TypeKind::kTimestamp || value.type.kind() == TypeKind::kTimestampNtz;
}

class Compiler {
 public:
  Compiler(const Dialect& dialect, const Schema& columns) : dialect_(dialect), columns_(columns) {}

  Result<Typed> Compile(const Expression& expression) {
    switch (expression.kind) {
      case Expression::Kind::kNumber: {
        bool integer = expression.text.find_first_of(".eE") == std::string::npos;
        return Typed{expression.text, integer ? Type::Int64() : Type::Double()};
      }
      case Expression::Kind::kString:
        return Typed{dialect_.QuoteString(expression.text), Type::String()};
      case Expression::Kind::kBoolean:
        return Typed{expression.boolean ? "TRUE" : "FALSE", Type::Boolean()};
      case Expression::Kind::kNull:
        return Typed{"NULL", Type::String(), true};
      case Expression::Kind::kColumn: {
        auto index = columns_.IndexOf(expression.text);
        if (!index) {
          return Status::Invalid("unknown column '" + expression.text +
                                 "' (the columns are: " + columns_.ToString() + ")");
        }
        const Column& column = columns_[*index];
        return Typed{dialect_.QuoteIdentifier(column.name), column.type};
      }
      case Expression::Kind::kIsNull: {
        MORTAR_ASSIGN_OR_RETURN(Typed operand, Compile(expression.arguments[0]));
        return Typed{"(" + operand.sql + " " + expression.text + " NULL)", Type::Boolean()};
      }
      case Expression::Kind::kIn: {
        MORTAR_ASSIGN_OR_RETURN(Typed left, Compile(expression.arguments[0]));
        std::string list;
        for (std::size_t i = 1; i < expression.arguments.size(); ++i) {
          MORTAR_ASSIGN_OR_RETURN(Typed value, Compile(expression.arguments[i]));
          if (!Comparable(left, value)) {
            return Status::Invalid("type mismatch: cannot compare " +
                                   Describe(expression.arguments[0]) + " (" + left.type.ToString() +
                                   ") with " + Describe(expression.arguments[i]) + " (" +
                                   value.type.ToString() + ")");
          }
          list += (i > 1 ? ", " : "") + value.sql;
        }
        return Typed{"(" + left.sql + " " + expression.text + " (" + list + "))", Type::Boolean()};
      }
      case Expression::Kind::kUnary:
        return CompileUnary(expression);
      case Expression::Kind::kBinary:
        return CompileBinary(expression);
      case Expression::Kind::kCall:
        return CompileCall(expression);
    }
    return Status::Internal("unknown expression kind");
  }

 private:
  static Status Mismatch(const std::string& what, const Expression& expression,
                         const Typed& value) {
    return Status::Invalid("type mismatch: " + what + "; " + Describe(expression) + " is " +
                           value.type.ToString());
  }

  // Decimals are computed as doubles so that every database gives the same type.
  std::string AsArithmetic(const Typed& value) const {
    if (value.type.kind() == TypeKind::kDecimal) return dialect_.Cast(value.sql, Type::Double());
    return value.sql;
  }

  Result<Typed> CompileUnary(const Expression& expression) {
    MORTAR_ASSIGN_OR_RETURN(Typed operand, Compile(expression.arguments[0]));
    if (expression.text == "NOT") {
      if (!IsBoolean(operand)) {
        return Mismatch("NOT needs a condition", expression.arguments[0], operand);
      }
      return Typed{"(NOT " + operand.sql + ")", Type::Boolean()};
    }
    if (!IsNumber(operand)) {
      return Mismatch("'-' needs a number", expression.arguments[0], operand);
    }
    Type type = operand.type.IsInteger() ? Type::Int64() : Type::Double();
    return Typed{"(-" + AsArithmetic(operand) + ")", type};
  }

  // Whether two values can be compared (or be the branches of one if()).
  static bool Comparable(const Typed& a, const Typed& b) {
    if (a.null || b.null) return true;
    if (a.type.IsNumeric() && b.type.IsNumeric()) return true;
    if (IsTemporal(a) && (IsTemporal(b) || b.type.kind() == TypeKind::kString)) return true;
    if (IsTemporal(b) && a.type.kind() == TypeKind::kString) return true;
    return a.type.kind() == b.type.kind() && !a.type.IsNested();
  }

  Result<Typed> CompileBinary(const Expression& expression) {
    const std::string& op = expression.text;
    MORTAR_ASSIGN_OR_RETURN(Typed left, Compile(expression.arguments[0]));
    MORTAR_ASSIGN_OR_RETURN(Typed right, Compile(expression.arguments[1]));
    if (op == "AND" || op == "OR") {
      for (std::size_t i = 0; i < 2; ++i) {
        const Typed& side = i == 0 ? left : right;
        if (!IsBoolean(side))
          return Mismatch(op + " needs conditions", expression.arguments[i], side);
      }
      return Typed{"(" + left.sql + " " + op + " " + right.sql + ")", Type::Boolean()};
    }
    if (op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=") {
      if (!Comparable(left, right)) {
        return Status::Invalid("type mismatch: cannot compare " +
                               Describe(expression.arguments[0]) + " (" + left.type.ToString() +
                               ") with " + Describe(expression.arguments[1]) + " (" +
                               right.type.ToString() + ")");
      }
      return Typed{"(" + left.sql + " " + op + " " + right.sql + ")", Type::Boolean()};
    }
    for (std::size_t i = 0; i < 2; ++i) {
      const Typed& side = i == 0 ? left : right;
      if (!IsNumber(side)) {
        return Mismatch("'" + op + "' needs numbers (use concat() to join text)",
                        expression.arguments[i], side);
      }
    }
    bool integers = (left.null || left.type.IsInteger()) && (right.null || right.type.IsInteger());
    if (op == "/") {
      // Always a real division; division by zero gives NULL on every database.
      return Typed{"(" + dialect_.Cast(left.sql, Type::Double()) + " / NULLIF(" +
                       AsArithmetic(right) + ", 0))",
                   Type::Double()};
    }
    if (op == "%") {
      if (!integers) return Status::Invalid("type mismatch: '%' needs whole numbers");
      return Typed{"(" + left.sql + " % NULLIF(" + right.sql + ", 0))", Type::Int64()};
    }
    return Typed{"(" + AsArithmetic(left) + " " + op + " " + AsArithmetic(right) + ")",
                 integers ? Type::Int64() : Type::Double()};
  }

  // The type the values of if() or coalesce() share, or a mismatch.
  static Result<Type> Common(const std::vector<Typed>& values, const std::string& function) {
    std::vector<Type> types;
    for (const Typed& value : values) {
      if (!value.null) types.push_back(value.type);
    }
    if (types.empty()) return Type::String();
    bool same =
        std::all_of(types.begin(), types.end(), [&](const Type& t) { return t == types[0]; });
    if (same) return types[0];
    bool numbers =
        std::all_of(types.begin(), types.end(), [](const Type& t) { return t.IsNumeric(); });
    if (numbers) {
      bool integers =
          std::all_of(types.begin(), types.end(), [](const Type& t) { return t.IsInteger(); });
      return integers ? Type::Int64() : Type::Double();
    }
    for (const Type& type : types) {
      if (!(type == types[0])) {
        return Status::Invalid("type mismatch: the values of " + function + "() are " +
                               types[0].ToString() + " and " + type.ToString());
      }
    }
    return types[0];
  }

  Result<Typed> CompileCall(const Expression& expression) {
    const std::string& name = expression.text;
    std::vector<Typed> args;
    for (const auto& argument : expression.arguments) {
      MORTAR_ASSIGN_OR_RETURN(Typed value, Compile(argument));
      args.push_back(std::move(value));
    }
    auto arity = [&](std::size_t low, std::size_t high) -> Status {
      if (args.size() < low || args.size() > high) {
        std::string count =
            low == high ? std::to_string(low) : std::to_string(low) + " to " + std::to_string(high);
        return Status::Invalid(name + "() takes " + count + " argument(s), not " +
                               std::to_string(args.size()));
      }
      return Status::OK();
    };
    auto need = [&](std::size_t i, bool (*check)(const Typed&), const char* what) -> Status {
      if (!check(args[i])) {
        return Mismatch(name + "() needs " + what + " as argument " + std::to_string(i + 1),
                        expression.arguments[i], args[i]);
      }
      return Status::OK();
    };
    auto call = [&](const std::string& function) {
      std::string text = function + "(";
      for (std::size_t i = 0; i < args.size(); ++i) text += (i > 0 ? ", " : "") + args[i].sql;
      return text + ")";
    };

    if (name == "upper" || name == "lower" || name == "trim" || name == "ltrim" ||
        name == "rtrim") {
      MORTAR_RETURN_IF_ERROR(arity(1, 1));
      MORTAR_RETURN_IF_ERROR(need(0, IsText, "text"));
      return Typed{call(AsciiUpper(name)), Type::String()};
    }
    if (name == "length") {
      MORTAR_RETURN_IF_ERROR(arity(1, 1));
      MORTAR_RETURN_IF_ERROR(need(0, IsText, "text"));
      return Typed{call("LENGTH"), Type::Int64()};
    }
    if (name == "substr") {
      MORTAR_RETURN_IF_ERROR(arity(2, 3));
      MORTAR_RETURN_IF_ERROR(need(0, IsText, "text"));
      for (std::size_t i = 1; i < args.size(); ++i)
        MORTAR_RETURN_IF_ERROR(need(i, IsNumber, "a number"));
      // As Spark reads it on every engine: a start of 0 is the first character (SQLite
      // counted a place before it), and a negative length is no characters (SQLite took
      // those before the start).
      std::string start = "CASE WHEN " + args[1].sql + " = 0 THEN 1 ELSE " + args[1].sql + " END";
      std::string text = "SUBSTR(" + args[0].sql + ", " + start;
      if (args.size() == 3)
        text += ", CASE WHEN " + args[2].sql + " < 0 THEN 0 ELSE " + args[2].sql + " END";
      return Typed{text + ")", Type::String()};
    }
    if (name == "replace") {
      MORTAR_RETURN_IF_ERROR(arity(3, 3));
      for (std::size_t i = 0; i < 3; ++i) MORTAR_RETURN_IF_ERROR(need(i, IsText, "text"));
      return Typed{call("REPLACE"), Type::String()};
    }
    if (name == "contains" || name == "starts_with") {
      MORTAR_RETURN_IF_ERROR(arity(2, 2));
      for (std::size_t i = 0; i < 2; ++i) MORTAR_RETURN_IF_ERROR(need(i, IsText, "text"));
      if (name == "contains") {
        return Typed{"(INSTR(" + args[0].sql + ", " + args[1].sql + ") > 0)", Type::Boolean()};
      }
      return Typed{
          "(SUBSTR(" + args[0].sql + ", 1, LENGTH(" + args[1].sql + ")) = " + args[1].sql + ")",
          Type::Boolean()};
    }
    if (name == "concat") {
      if (args.empty()) return Status::Invalid("concat() needs at least one argument");
      std::vector<std::string> parts;
      for (const Typed& arg : args) parts.push_back(AsText(arg));
      return Typed{dialect_.Concat(parts), Type::String()};
    }
    if (name == "abs") {
      MORTAR_RETURN_IF_ERROR(arity(1, 1));
      MORTAR_RETURN_IF_ERROR(need(0, IsNumber, "a number"));
      Type type = args[0].type.IsInteger() ? Type::Int64() : Type::Double();
      return Typed{"ABS(" + AsArithmetic(args[0]) + ")", type};
    }
    if (name == "round") {
      MORTAR_RETURN_IF_ERROR(arity(1, 2));
      MORTAR_RETURN_IF_ERROR(need(0, IsNumber, "a number"));
      std::string digits = "0";
      if (args.size() == 2) {
        if (!args[1].type.IsInteger() || args[1].null)
          return Mismatch("round() needs whole digits", expression.arguments[1], args[1]);
        digits = args[1].sql;
      }
      return Typed{"ROUND(" + dialect_.Cast(args[0].sql, Type::Double()) + ", " + digits + ")",
                   Type::Double()};
    }
    if (name == "floor" || name == "ceil") {
      MORTAR_RETURN_IF_ERROR(arity(1, 1));
      MORTAR_RETURN_IF_ERROR(need(0, IsNumber, "a number"));
      return Typed{
          dialect_.Cast(AsciiUpper(name) + "(" + AsArithmetic(args[0]) + ")", Type::Int64()),
          Type::Int64()};
    }
    if (name == "sqrt" || name == "power") {
      MORTAR_RETURN_IF_ERROR(arity(name == "sqrt" ? 1 : 2, name == "sqrt" ? 1 : 2));
      std::string text = AsciiUpper(name) + "(";
      for (std::size_t i = 0; i < args.size(); ++i) {
        MORTAR_RETURN_IF_ERROR(need(i, IsNumber, "a number"));
        text += (i > 0 ? ", " : "") + dialect_.Cast(args[i].sql, Type::Double());
      }
      return Typed{text + ")", Type::Double()};
    }
    if (name == "coalesce") {
      if (args.size() < 2) return Status::Invalid("coalesce() needs at least two arguments");
      MORTAR_ASSIGN_OR_RETURN(Type type, Common(args, name));
      return Typed{call("COALESCE"), type};
    }
    if (name == "if") {
      MORTAR_RETURN_IF_ERROR(arity(3, 3));
      MORTAR_RETURN_IF_ERROR(need(0, IsBoolean, "a condition"));
      MORTAR_ASSIGN_OR_RETURN(Type type, Common({args[1], args[2]}, name));
      return Typed{
          "CASE WHEN " + args[0].sql + " THEN " + args[1].sql + " ELSE " + args[2].sql + " END",
          type};
    }
    static constexpr std::pair<std::string_view, DatePart> kParts[] = {{"year", DatePart::kYear},
                                                                       {"month", DatePart::kMonth},
                                                                       {"day", DatePart::kDay},
                                                                       {"hour", DatePart::kHour}};
    for (const auto& [part_name, part] : kParts) {
      if (name != part_name) continue;
      MORTAR_RETURN_IF_ERROR(arity(1, 1));
      MORTAR_RETURN_IF_ERROR(need(0, IsTemporal, "a date or timestamp"));
      if (part == DatePart::kHour && args[0].type.kind() == TypeKind::kDate) {
        return Mismatch("hour() needs a timestamp", expression.arguments[0], args[0]);
      }
      return Typed{dialect_.ExtractDatePart(part, args[0].sql), Type::Int64()};
    }
    if (name == "date_add") {
      MORTAR_RETURN_IF_ERROR(arity(2, 2));
      MORTAR_RETURN_IF_ERROR(need(0, IsTemporal, "a date"));
      if (!args[1].type.IsInteger())
        return Mismatch("date_add() needs whole days", expression.arguments[1], args[1]);
      return Typed{dialect_.AddDays(args[0].sql, args[1].sql), Type::Date()};
    }
    if (name == "date_diff") {
      MORTAR_RETURN_IF_ERROR(arity(2, 2));
      for (std::size_t i = 0; i < 2; ++i) MORTAR_RETURN_IF_ERROR(need(i, IsTemporal, "a date"));
      return Typed{dialect_.DaysBetween(args[0].sql, args[1].sql), Type::Int64()};
    }
    if (name == "to_string") {
      MORTAR_RETURN_IF_ERROR(arity(1, 1));
      return Typed{AsText(args[0]), Type::String()};
    }
    if (name == "to_int" || name == "to_double") {
      MORTAR_RETURN_IF_ERROR(arity(1, 1));
      Type type = name == "to_int" ? Type::Int64() : Type::Double();
      return Typed{dialect_.TryCast(args[0].sql, type), type};
    }
    return Status::Invalid(
        "unknown function '" + name +
        "' (known: upper, lower, trim, ltrim, rtrim, length, substr, replace, contains, "
        "starts_with, concat, abs, round, floor, ceil, sqrt, power, coalesce, if, year, month, "
        "day, hour, date_add, date_diff, to_string, to_int, to_double)");
  }

  std::string AsText(const Typed& value) const {
    if (value.type.kind() == TypeKind::kString) return value.sql;
    return dialect_.Cast(value.sql, Type::String());
  }

  const Dialect& dialect_;
  const Schema& columns_;
};

}  // namespace

Result<CompiledExpression> CompileExpression(const Expression& expression, const Dialect& dialect,
                                             const Schema& columns) {
  Compiler compiler(dialect, columns);
  MORTAR_ASSIGN_OR_RETURN(Typed typed, compiler.Compile(expression));
  return CompiledExpression{std::move(typed.sql), typed.type};
}

Result<CompiledExpression> CompileFormula(std::string_view text, const Dialect& dialect,
                                          const Schema& columns) {
  MORTAR_ASSIGN_OR_RETURN(Expression expression, ParseExpression(text));
  auto compiled = CompileExpression(expression, dialect, columns);
  if (!compiled.ok()) {
    return Status::Invalid("formula '" + std::string(text) + "': " + compiled.status().message());
  }
  return compiled;
}

Result<std::string> CompileCondition(std::string_view text, const Dialect& dialect,
                                     const Schema& columns) {
  MORTAR_ASSIGN_OR_RETURN(auto compiled, CompileFormula(text, dialect, columns));
  if (compiled.type.kind() != TypeKind::kBoolean) {
    return Status::Invalid("formula '" + std::string(text) + "' must be a condition; it gives " +
                           compiled.type.ToString());
  }
  return compiled.sql;
}

Result<std::string> ValueLiteral(const Dialect& dialect, std::string_view value, const Type& type) {
  if (type.IsNumeric()) {
    auto parsed = ParseExpression(value);
    bool number =
        parsed.ok() && (parsed->kind == Expression::Kind::kNumber ||
                        (parsed->kind == Expression::Kind::kUnary && parsed->text == "-" &&
                         parsed->arguments[0].kind == Expression::Kind::kNumber));
    if (!number) {
      return Status::Invalid("'" + std::string(value) + "' is not a number, and the column is " +
                             type.ToString());
    }
    return std::string(value);
  }
  if (type.kind() == TypeKind::kBoolean) {
    std::string upper = AsciiUpper(value);
    if (upper != "TRUE" && upper != "FALSE") {
      return Status::Invalid("'" + std::string(value) + "' is not true or false");
    }
    return upper;
  }
  return dialect.QuoteString(value);
}

}  // namespace mortar::sql
