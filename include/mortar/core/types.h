// Mortar's type system: the logical types every connector maps its native types to.
// Values of Type are immutable and cheap to copy. Thread-safe.
#pragma once

#include <arrow/type_fwd.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mortar/core/result.h"

namespace mortar {

enum class TypeKind {
  kString,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kBoolean,
  kDecimal,
  kDate,
  kTimestamp,     // an instant, shown in UTC (Databricks TIMESTAMP, "with time zone")
  kTimestampNtz,  // a wall-clock time without zone (Databricks TIMESTAMP_NTZ)
  kBinary,
  kArray,
  kMap,
  kStruct,
};

struct Field;

class Type {
 public:
  Type() = default;  // string
  static Type String() { return Type(TypeKind::kString); }
  static Type Int8() { return Type(TypeKind::kInt8); }
  static Type Int16() { return Type(TypeKind::kInt16); }
  static Type Int32() { return Type(TypeKind::kInt32); }
  static Type Int64() { return Type(TypeKind::kInt64); }
  static Type Float() { return Type(TypeKind::kFloat); }
  static Type Double() { return Type(TypeKind::kDouble); }
  static Type Boolean() { return Type(TypeKind::kBoolean); }
  static Type Date() { return Type(TypeKind::kDate); }
  static Type Timestamp() { return Type(TypeKind::kTimestamp); }
  static Type TimestampNtz() { return Type(TypeKind::kTimestampNtz); }
  static Type Binary() { return Type(TypeKind::kBinary); }
  // Validated: 1 <= precision <= 38, 0 <= scale <= precision.
  static Result<Type> Decimal(int precision, int scale);
  static Type Array(Type element);
  static Type Map(Type key, Type value);
  static Type Struct(std::vector<Field> fields);

  // Parses the text form written by ToString(): "int64", "decimal(10,2)",
  // "array<string>", "map<string,int64>", "struct<a:int32,b:string>".
  static Result<Type> Parse(std::string_view text);

  TypeKind kind() const { return kind_; }
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  const std::vector<Field>& fields() const;  // struct fields; array: "element"; map: key, value
  bool IsInteger() const;
  bool IsNumeric() const;
  bool IsNested() const;
  bool IsTemporal() const;

  std::string ToString() const;
  bool operator==(const Type& other) const;
  bool operator!=(const Type& other) const { return !(*this == other); }

  // The Arrow type that carries values of this type in batches.
  std::shared_ptr<arrow::DataType> ToArrow() const;
  static Result<Type> FromArrow(const arrow::DataType& type);

 private:
  explicit Type(TypeKind kind) : kind_(kind) {}
  TypeKind kind_ = TypeKind::kString;
  int precision_ = 0;
  int scale_ = 0;
  std::shared_ptr<const std::vector<Field>> children_;
};

struct Field {
  std::string name;
  Type type;
  bool nullable = true;
  bool operator==(const Field& other) const = default;
};

}  // namespace mortar
