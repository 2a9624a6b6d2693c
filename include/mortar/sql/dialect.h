// A SQL dialect: how one database quotes identifiers and strings, names types, spells
// functions and replaces tables. Generated SQL never pastes user values unquoted.
// Dialects are stateless and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mortar/core/schema.h"

namespace mortar::sql {

// catalog.schema.table; empty parts are left out.
struct TableName {
  std::string catalog;
  std::string schema;
  std::string table;
  std::string ToString() const;  // unquoted, for messages
  bool operator==(const TableName& other) const = default;
};

enum class Aggregate { kCount, kCountAll, kCountDistinct, kSum, kAvg, kMin, kMax, kStddev };

// Parts of a date or timestamp that formulas and charts extract, as integers.
enum class DatePart { kYear, kMonth, kDay, kHour };

class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual std::string_view name() const = 0;

  virtual std::string QuoteIdentifier(std::string_view identifier) const = 0;
  // A string literal; every dialect must escape its own escape characters.
  virtual std::string QuoteString(std::string_view value) const;
  std::string TableReference(const TableName& table) const;

  // The native type a column of this Mortar type is created with. The spellings the
  // dialects share (TINYINT ... BIGINT, FLOAT, DOUBLE, BOOLEAN, DECIMAL(p,s), DATE,
  // TIMESTAMP, TIMESTAMP_NTZ) are the base's; the dialect names the rest.
  std::string NativeType(const Type& type) const;
  // DECIMAL(p,s) by default.
  virtual std::string DecimalNativeType(const Type& type) const;
  // Text, binary and nested types: where the dialects differ.
  virtual std::string DialectNativeType(const Type& type) const = 0;
  // The Mortar type of a native type name (as reported by the database).
  virtual Result<Type> MortarType(std::string_view native) const = 0;
  // The type of a column the database describes as `native`: its Mortar type, or text
  // when Mortar has none (its values are then read as the database spells them).
  Type DescribedType(std::string_view native) const;

  // `argument_type` is the type of the values aggregated (any type for COUNT(*)).
  virtual std::string AggregateCall(Aggregate aggregate, std::string_view argument,
                                    const Type& argument_type) const;
  virtual std::string Cast(std::string_view expression, const Type& type) const;
  // A cast that gives NULL rather than an error when the value does not convert,
  // where the database has one (SQLite's CAST never fails).
  virtual std::string TryCast(std::string_view expression, const Type& type) const {
    return Cast(expression, type);
  }

  // Functions whose spelling differs between databases. Arguments are SQL expressions
  // already compiled in this dialect.
  // Concatenation of strings; NULL when any part is NULL.
  virtual std::string Concat(const std::vector<std::string>& parts) const = 0;
  virtual std::string ExtractDatePart(DatePart part, std::string_view expression) const = 0;
  // Chart bins of dates. Rows are grouped on DateBinKey, the date or timestamp truncated
  // to `part` in whatever form is cheapest to compute and compare, and each bin is
  // labelled with DateBinLabel of its key: "2024", "2024-03", "2024-03-07",
  // "2024-03-07 10:00".
  virtual std::string DateBinKey(DatePart part, std::string_view expression) const = 0;
  virtual std::string DateBinLabel(DatePart part, std::string_view key) const = 0;
  virtual std::string AddDays(std::string_view date, std::string_view days) const = 0;
  // Whole days from `start` to `end`.
  virtual std::string DaysBetween(std::string_view start, std::string_view end) const = 0;
  // TRUE for about `ratio` of the rows (0 <= ratio <= 1).
  virtual std::string RandomBelow(double ratio) const = 0;

  // Limits: a column name this database cannot hold (empty when it can); the most
  // columns a table may have.
  virtual std::string ColumnNameProblem(std::string_view name) const;
  virtual std::size_t MaxColumns() const = 0;

  virtual std::string CreateTable(const TableName& table, const Schema& schema) const;
  // What follows a column's type in CREATE TABLE (such as a collation); none by default.
  virtual std::string ColumnTypeSuffix(const Type&) const { return {}; }
  // `expression` (of `type`) as an ORDER BY term that orders by value: SQLite holds
  // decimals and timestamps with zone as text, ordered by value through the columns'
  // collations, which an aggregate's result no longer carries. As it is by default.
  virtual std::string OrderedByValue(std::string_view expression, const Type&) const {
    return std::string(expression);
  }
  virtual std::string DropTableIfExists(const TableName& table) const;
  // Renames `from` to `to` (same catalog and schema).
  virtual std::string RenameTable(const TableName& from, const TableName& to) const = 0;
};

// The dialects Mortar ships.
const Dialect& SqliteDialect();
const Dialect& DatabricksDialect();

}  // namespace mortar::sql
