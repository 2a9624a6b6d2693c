#include "mortar/sql/dialect.h"

namespace mortar::sql {

std::string TableName::ToString() const {
  std::string text;
  for (const std::string* part : {&catalog, &schema, &table}) {
    if (part->empty()) continue;
    if (!text.empty()) text += ".";
    text += *part;
  }
  return text;
}

std::string Dialect::QuoteString(std::string_view value) const {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string Dialect::TableReference(const TableName& table) const {
  std::string text;
  for (const std::string* part : {&table.catalog, &table.schema, &table.table}) {
    if (part->empty()) continue;
    if (!text.empty()) text += ".";
    text += QuoteIdentifier(*part);
  }
  return text;
}

std::string Dialect::AggregateCall(Aggregate aggregate, std::string_view argument,
                                   const Type& type) const {
  std::string arg(argument);
  // The number of trues, as SQLite and the local engine count them; Spark refuses a
  // SUM of booleans.
  if (aggregate == Aggregate::kSum && type.kind() == TypeKind::kBoolean)
    arg = Cast(arg, Type::Int64());
  switch (aggregate) {
    case Aggregate::kCount:
      return "COUNT(" + arg + ")";
    case Aggregate::kCountAll:
      return "COUNT(*)";
    case Aggregate::kCountDistinct:
      return "COUNT(DISTINCT " + arg + ")";
    case Aggregate::kSum:
      return "SUM(" + arg + ")";
    case Aggregate::kAvg:
      return "AVG(" + arg + ")";
    case Aggregate::kMin:
      return "MIN(" + arg + ")";
    case Aggregate::kMax:
      return "MAX(" + arg + ")";
    case Aggregate::kStddev:
      return "STDDEV_SAMP(" + arg + ")";
  }
  return arg;
}

Type Dialect::DescribedType(std::string_view native) const {
  auto type = MortarType(native);
  return type.ok() ? *type : Type::String();
}

std::string Dialect::NativeType(const Type& type) const {
  switch (type.kind()) {
    case TypeKind::kInt8:
      return "TINYINT";
    case TypeKind::kInt16:
      return "SMALLINT";
    case TypeKind::kInt32:
      return "INT";
    case TypeKind::kInt64:
      return "BIGINT";
    case TypeKind::kFloat:
      return "FLOAT";
    case TypeKind::kDouble:
      return "DOUBLE";
    case TypeKind::kBoolean:
      return "BOOLEAN";
    case TypeKind::kDecimal:
      return DecimalNativeType(type);
    case TypeKind::kDate:
      return "DATE";
    case TypeKind::kTimestamp:
      return "TIMESTAMP";
    case TypeKind::kTimestampNtz:
      return "TIMESTAMP_NTZ";
    case TypeKind::kString:
    case TypeKind::kBinary:
    case TypeKind::kArray:
    case TypeKind::kMap:
    case TypeKind::kStruct:
      break;
  }
  return DialectNativeType(type);
}

std::string Dialect::DecimalNativeType(const Type& type) const {
  return "DECIMAL(" + std::to_string(type.precision()) + "," + std::to_string(type.scale()) + ")";
}

std::string Dialect::Cast(std::string_view expression, const Type& type) const {
  return "CAST(" + std::string(expression) + " AS " + NativeType(type) + ")";
}

std::string Dialect::ColumnNameProblem(std::string_view name) const {
  if (name.empty()) return "a column name cannot be empty";
  return {};
}

std::string Dialect::CreateTable(const TableName& table, const Schema& schema) const {
  std::string sql = "CREATE TABLE " + TableReference(table) + " (";
  for (std::size_t i = 0; i < schema.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += QuoteIdentifier(schema[i].name) + " " + NativeType(schema[i].type) +
           ColumnTypeSuffix(schema[i].type);
  }
  return sql + ")";
}

std::string Dialect::DropTableIfExists(const TableName& table) const {
  return "DROP TABLE IF EXISTS " + TableReference(table);
}

}  // namespace mortar::sql
