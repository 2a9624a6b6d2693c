// SQLite: double-quoted identifiers, flexible typing. Mortar records its own type
// name as the declared type so a table read back keeps dates, timestamps and decimals.
// Decimals are text (`TEXT DECIMAL(p,s)`: TEXT affinity keeps every digit) compared by
// value through the collation mortar_decimal, and summed, averaged and cast by the
// functions the SQLite connection registers (connectors/sqlite/sqlite_decimal.h).
#include <algorithm>
#include <cctype>

#include "mortar/core/ascii_case.h"
#include "mortar/sql/dialect.h"

namespace mortar::sql {

namespace {

class Sqlite final : public Dialect {
 public:
  std::string_view name() const override { return "sqlite"; }

  std::string QuoteIdentifier(std::string_view identifier) const override {
    std::string out = "\"";
    for (char c : identifier) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  }

  std::string DecimalNativeType(const Type& type) const override {
    return "TEXT " + Dialect::DecimalNativeType(type);
  }

  // Decimals compare by value; timestamps with zone (text ending in `Z`) by time (see
  // connectors/sqlite/sqlite_timestamp.h).
  std::string ColumnTypeSuffix(const Type& type) const override {
    if (type.kind() == TypeKind::kDecimal) return " COLLATE mortar_decimal";
    if (type.kind() == TypeKind::kTimestamp) return " COLLATE mortar_timestamp";
    return "";
  }

  std::string OrderedByValue(std::string_view expression, const Type& type) const override {
    return std::string(expression) + ColumnTypeSuffix(type);
  }

  // Rounded half up to the scale, compared by value wherever the result goes.
  std::string Cast(std::string_view expression, const Type& type) const override {
    if (type.kind() != TypeKind::kDecimal) return Dialect::Cast(expression, type);
    return "(mortar_decimal(" + std::string(expression) + ", " + std::to_string(type.precision()) +
           ", " + std::to_string(type.scale()) + ") COLLATE mortar_decimal)";
  }

  std::string DialectNativeType(const Type& type) const override {
    switch (type.kind()) {
      case TypeKind::kBinary:
        return "BLOB";
      // Nested values are stored as JSON text; the declared type (a quoted name,
      // which SQLite allows) keeps their shape.
      case TypeKind::kArray:
      case TypeKind::kMap:
      case TypeKind::kStruct:
        return QuoteIdentifier("JSON " + type.ToString());
      default:
        return "TEXT";
    }
  }

  Result<Type> MortarType(std::string_view native) const override {
    std::string unquoted;
    if (native.size() >= 2 && native.front() == '"' && native.back() == '"') {
      for (std::size_t i = 1; i + 1 < native.size(); ++i) {
        if (native[i] == '"' && native[i + 1] == '"') ++i;
        unquoted += native[i];
      }
      native = unquoted;
    }
    std::string upper = AsciiUpper(native);
    if (upper.rfind("JSON ", 0) == 0) return Type::Parse(std::string(native.substr(5)));
    if (upper.rfind("TEXT DECIMAL(", 0) == 0) upper.erase(0, 5);
    if (upper.rfind("DECIMAL", 0) == 0 || upper.rfind("NUMERIC(", 0) == 0) {
      return Type::Parse(upper);
    }
    if (upper == "TINYINT") return Type::Int8();
    if (upper == "SMALLINT") return Type::Int16();
    if (upper == "INT" || upper == "MEDIUMINT") return Type::Int32();
    if (upper == "BIGINT" || upper == "INTEGER" || upper == "INT8") return Type::Int64();
    if (upper == "FLOAT") return Type::Float();
    if (upper == "DOUBLE" || upper == "REAL" || upper == "DOUBLE PRECISION") return Type::Double();
    if (upper == "BOOLEAN" || upper == "BOOL") return Type::Boolean();
    if (upper == "DATE") return Type::Date();
    if (upper == "TIMESTAMP" || upper == "DATETIME") return Type::Timestamp();
    if (upper == "TIMESTAMP_NTZ") return Type::TimestampNtz();
    if (upper == "BLOB") return Type::Binary();
    if (upper == "NUM" || upper == "NUMERIC") return Type::Double();
    // SQLite's affinity rules for anything else.
    if (upper.find("INT") != std::string::npos) return Type::Int64();
    if (upper.find("CHAR") != std::string::npos || upper.find("CLOB") != std::string::npos ||
        upper.find("TEXT") != std::string::npos) {
      return Type::String();
    }
    if (upper.find("REAL") != std::string::npos || upper.find("FLOA") != std::string::npos ||
        upper.find("DOUB") != std::string::npos) {
      return Type::Double();
    }
    return Type::String();
  }

  std::string RenameTable(const TableName& from, const TableName& to) const override {
    return "ALTER TABLE " + TableReference(from) + " RENAME TO " + QuoteIdentifier(to.table);
  }

  // Decimals are summed and averaged exactly. SQLite has no STDDEV: Mortar registers
  // mortar_stddev, the sample standard deviation (connectors/sqlite/sqlite_stddev.h).
  std::string AggregateCall(Aggregate aggregate, std::string_view argument,
                            const Type& argument_type) const override {
    if (argument_type.kind() == TypeKind::kDecimal) {
      std::string value(argument);
      if (aggregate == Aggregate::kSum) return "mortar_decimal_sum(" + value + ")";
      // At Spark's scale for it, s+4 up to 38 (AggregateType), as text; a call and
      // nothing around it, so that a window's OVER can follow.
      if (aggregate == Aggregate::kAvg) {
        return "mortar_decimal_avg(" + value + ", " +
               std::to_string(std::min(38, argument_type.scale() + 4)) + ")";
      }
      // By value also when the argument is an expression (a pivot's CASE), which has no
      // column's collation.
      if (aggregate == Aggregate::kMin || aggregate == Aggregate::kMax) {
        return Dialect::AggregateCall(aggregate, "(" + value + ") COLLATE mortar_decimal",
                                      argument_type);
      }
    }
    if (argument_type.kind() == TypeKind::kTimestamp &&
        (aggregate == Aggregate::kMin || aggregate == Aggregate::kMax)) {
      return Dialect::AggregateCall(
          aggregate, "(" + std::string(argument) + ") COLLATE mortar_timestamp", argument_type);
    }
    if (aggregate != Aggregate::kStddev) {
      return Dialect::AggregateCall(aggregate, argument, argument_type);
    }
    return "mortar_stddev(" + std::string(argument) + ")";
  }

  std::string Concat(const std::vector<std::string>& parts) const override {
    std::string out = "(";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? " || " : "") + parts[i];
    return out + ")";
  }

  // Dates and timestamps are ISO text in SQLite; strftime reads them.
  std::string ExtractDatePart(DatePart part, std::string_view expression) const override {
    std::string_view format = "%Y";
    if (part == DatePart::kMonth) format = "%m";
    if (part == DatePart::kDay) format = "%d";
    if (part == DatePart::kHour) format = "%H";
    return "CAST(strftime('" + std::string(format) + "', " + std::string(expression) +
           ") AS INTEGER)";
  }

  // Text is the cheapest key SQLite has: the key is its own label.
  std::string DateBinLabel(DatePart, std::string_view key) const override {
    return std::string(key);
  }

  std::string DateBinKey(DatePart part, std::string_view expression) const override {
    std::string_view format = "%Y";
    if (part == DatePart::kMonth) format = "%Y-%m";
    if (part == DatePart::kDay) format = "%Y-%m-%d";
    if (part == DatePart::kHour) format = "%Y-%m-%d %H:00";
    return "strftime('" + std::string(format) + "', " + std::string(expression) + ")";
  }

  std::string AddDays(std::string_view date, std::string_view days) const override {
    return "date(" + std::string(date) + ", printf('%+d days', " + std::string(days) + "))";
  }

  std::string DaysBetween(std::string_view start, std::string_view end) const override {
    return "CAST(julianday(date(" + std::string(end) + ")) - julianday(date(" + std::string(start) +
           ")) AS INTEGER)";
  }

  // random() is uniform over the 64-bit integers.
  std::string RandomBelow(double ratio) const override {
    return "(random() / 18446744073709551616.0 + 0.5) < " + std::to_string(ratio);
  }

  // SQLITE_MAX_COLUMN as SQLite is built by default.
  std::size_t MaxColumns() const override { return 2000; }
};

}  // namespace

const Dialect& SqliteDialect() {
  static const Sqlite kDialect;
  return kDialect;
}

}  // namespace mortar::sql
