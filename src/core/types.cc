#include "mortar/core/types.h"

#include <arrow/api.h>

#include <cctype>
#include <charconv>

#include "mortar/core/ascii_case.h"

namespace mortar {

namespace {

const std::vector<Field>& EmptyFields() {
  static const std::vector<Field> kEmpty;
  return kEmpty;
}

struct SimpleName {
  TypeKind kind;
  std::string_view name;
};

// The text names, with the aliases users write (SQL spellings).
constexpr SimpleName kSimpleNames[] = {
    {TypeKind::kString, "string"},       {TypeKind::kString, "varchar"},
    {TypeKind::kString, "text"},         {TypeKind::kInt8, "int8"},
    {TypeKind::kInt8, "tinyint"},        {TypeKind::kInt16, "int16"},
    {TypeKind::kInt16, "smallint"},      {TypeKind::kInt32, "int32"},
    {TypeKind::kInt32, "int"},           {TypeKind::kInt64, "int64"},
    {TypeKind::kInt64, "bigint"},        {TypeKind::kFloat, "float"},
    {TypeKind::kDouble, "double"},       {TypeKind::kBoolean, "boolean"},
    {TypeKind::kBoolean, "bool"},        {TypeKind::kDate, "date"},
    {TypeKind::kTimestamp, "timestamp"}, {TypeKind::kTimestampNtz, "timestamp_ntz"},
    {TypeKind::kBinary, "binary"},
};

// A small recursive-descent parser over the type text.
class TypeParser {
 public:
  explicit TypeParser(std::string_view text) : text_(text) {}

  Result<Type> ParseAll() {
    MORTAR_ASSIGN_OR_RETURN(Type type, ParseType());
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text after the type");
    return type;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::Invalid("invalid type '" + std::string(text_) + "': " + std::string(what) +
                           " at position " + std::to_string(pos_ + 1));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string Word() {
    SkipSpace();
    std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }
  Result<int> Number() {
    SkipSpace();
    int value = 0;
    auto [end, error] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), value);
    if (error != std::errc()) return Error("expected a number");
    pos_ = static_cast<std::size_t>(end - text_.data());
    return value;
  }

  Result<Type> ParseType() {
    std::string name = AsciiLower(Word());
    if (name.empty()) return Error("expected a type name");
    if (name == "decimal" || name == "numeric") {
      if (!Consume('(')) return Type::Decimal(38, 18);
      MORTAR_ASSIGN_OR_RETURN(int precision, Number());
      int scale = 0;
      if (Consume(',')) {
        MORTAR_ASSIGN_OR_RETURN(scale, Number());
      }
      if (!Consume(')')) return Error("expected ')'");
      return Type::Decimal(precision, scale);
    }
    if (name == "array") {
      if (!Consume('<')) return Error("expected '<'");
      MORTAR_ASSIGN_OR_RETURN(Type element, ParseType());
      if (!Consume('>')) return Error("expected '>'");
      return Type::Array(std::move(element));
    }
    if (name == "map") {
      if (!Consume('<')) return Error("expected '<'");
      MORTAR_ASSIGN_OR_RETURN(Type key, ParseType());
      if (!Consume(',')) return Error("expected ','");
      MORTAR_ASSIGN_OR_RETURN(Type value, ParseType());
      if (!Consume('>')) return Error("expected '>'");
      return Type::Map(std::move(key), std::move(value));
    }
    if (name == "struct") {
      if (!Consume('<')) return Error("expected '<'");
      std::vector<Field> fields;
      do {
        std::string field_name = Word();
        if (field_name.empty()) return Error("expected a field name");
        if (!Consume(':')) return Error("expected ':'");
        MORTAR_ASSIGN_OR_RETURN(Type field_type, ParseType());
        fields.push_back(Field{field_name, std::move(field_type), true});
      } while (Consume(','));
      if (!Consume('>')) return Error("expected '>'");
      return Type::Struct(std::move(fields));
    }
    for (const auto& entry : kSimpleNames) {
      if (entry.name == name) {
        if (entry.kind == TypeKind::kTimestamp && Consume('(')) {
          // Accept "timestamp(tz)" style spellings from other tools? Not ours: refuse.
          return Error("timestamp takes no parameters");
        }
        switch (entry.kind) {
          case TypeKind::kString:
            return Type::String();
          case TypeKind::kInt8:
            return Type::Int8();
          case TypeKind::kInt16:
            return Type::Int16();
          case TypeKind::kInt32:
            return Type::Int32();
          case TypeKind::kInt64:
            return Type::Int64();
          case TypeKind::kFloat:
            return Type::Float();
          case TypeKind::kDouble:
            return Type::Double();
          case TypeKind::kBoolean:
            return Type::Boolean();
          case TypeKind::kDate:
            return Type::Date();
          case TypeKind::kTimestamp:
            return Type::Timestamp();
          case TypeKind::kTimestampNtz:
            return Type::TimestampNtz();
          case TypeKind::kBinary:
            return Type::Binary();
          default:
            break;
        }
      }
    }
    return Error("unknown type name '" + name + "'");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<Type> Type::Decimal(int precision, int scale) {
  if (precision < 1 || precision > 38) {
    return Status::Invalid("decimal precision must be between 1 and 38, got " +
                           std::to_string(precision));
  }
  if (scale < 0 || scale > precision) {
    return Status::Invalid("decimal scale must be between 0 and the precision (" +
                           std::to_string(precision) + "), got " + std::to_string(scale));
  }
  Type type(TypeKind::kDecimal);
  type.precision_ = precision;
  type.scale_ = scale;
  return type;
}

Type Type::Array(Type element) {
  Type type(TypeKind::kArray);
  type.children_ = std::make_shared<const std::vector<Field>>(
      std::vector<Field>{Field{"element", std::move(element), true}});
  return type;
}

Type Type::Map(Type key, Type value) {
  Type type(TypeKind::kMap);
  type.children_ = std::make_shared<const std::vector<Field>>(std::vector<Field>{
      Field{"key", std::move(key), false}, Field{"value", std::move(value), true}});
  return type;
}

Type Type::Struct(std::vector<Field> fields) {
  Type type(TypeKind::kStruct);
  type.children_ = std::make_shared<const std::vector<Field>>(std::move(fields));
  return type;
}

Result<Type> Type::Parse(std::string_view text) {
  return TypeParser(text).ParseAll();
}

const std::vector<Field>& Type::fields() const {
  return children_ ? *children_ : EmptyFields();
}

bool Type::IsInteger() const {
  return kind_ == TypeKind::kInt8 || kind_ == TypeKind::kInt16 || kind_ == TypeKind::kInt32 ||
         kind_ == TypeKind::kInt64;
}

bool Type::IsNumeric() const {
  return IsInteger() || kind_ == TypeKind::kFloat || kind_ == TypeKind::kDouble ||
         kind_ == TypeKind::kDecimal;
}

bool Type::IsNested() const {
  return kind_ == TypeKind::kArray || kind_ == TypeKind::kMap || kind_ == TypeKind::kStruct;
}

bool Type::IsTemporal() const {
  return kind_ == TypeKind::kDate || kind_ == TypeKind::kTimestamp ||
         kind_ == TypeKind::kTimestampNtz;
}

std::string Type::ToString() const {
  switch (kind_) {
    case TypeKind::kString:
      return "string";
    case TypeKind::kInt8:
      return "int8";
    case TypeKind::kInt16:
      return "int16";
    case TypeKind::kInt32:
      return "int32";
    case TypeKind::kInt64:
      return "int64";
    case TypeKind::kFloat:
      return "float";
    case TypeKind::kDouble:
      return "double";
    case TypeKind::kBoolean:
      return "boolean";
    case TypeKind::kDecimal:
      return "decimal(" + std::to_string(precision_) + "," + std::to_string(scale_) + ")";
    case TypeKind::kDate:
      return "date";
    case TypeKind::kTimestamp:
      return "timestamp";
    case TypeKind::kTimestampNtz:
      return "timestamp_ntz";
    case TypeKind::kBinary:
      return "binary";
    case TypeKind::kArray:
      return "array<" + fields()[0].type.ToString() + ">";
    case TypeKind::kMap:
      return "map<" + fields()[0].type.ToString() + "," + fields()[1].type.ToString() + ">";
    case TypeKind::kStruct: {
      std::string text = "struct<";
      for (std::size_t i = 0; i < fields().size(); ++i) {
        if (i > 0) text += ",";
        text += fields()[i].name + ":" + fields()[i].type.ToString();
      }
      return text + ">";
    }
  }
  return "string";
}

bool Type::operator==(const Type& other) const {
  if (kind_ != other.kind_ || precision_ != other.precision_ || scale_ != other.scale_) {
    return false;
  }
  return fields() == other.fields();
}

std::shared_ptr<arrow::DataType> Type::ToArrow() const {
  switch (kind_) {
    case TypeKind::kString:
      return arrow::utf8();
    case TypeKind::kInt8:
      return arrow::int8();
    case TypeKind::kInt16:
      return arrow::int16();
    case TypeKind::kInt32:
      return arrow::int32();
    case TypeKind::kInt64:
      return arrow::int64();
    case TypeKind::kFloat:
      return arrow::float32();
    case TypeKind::kDouble:
      return arrow::float64();
    case TypeKind::kBoolean:
      return arrow::boolean();
    case TypeKind::kDecimal:
      return arrow::decimal128(precision_, scale_);
    case TypeKind::kDate:
      return arrow::date32();
    case TypeKind::kTimestamp:
      return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
    case TypeKind::kTimestampNtz:
      return arrow::timestamp(arrow::TimeUnit::MICRO);
    case TypeKind::kBinary:
      return arrow::binary();
    case TypeKind::kArray:
      return arrow::list(fields()[0].type.ToArrow());
    case TypeKind::kMap:
      return arrow::map(fields()[0].type.ToArrow(), fields()[1].type.ToArrow());
    case TypeKind::kStruct: {
      arrow::FieldVector arrow_fields;
      for (const auto& field : fields()) {
        arrow_fields.push_back(arrow::field(field.name, field.type.ToArrow(), field.nullable));
      }
      return arrow::struct_(arrow_fields);
    }
  }
  return arrow::utf8();
}

Result<Type> Type::FromArrow(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW:
      return Type::String();
    case arrow::Type::INT8:
      return Type::Int8();
    case arrow::Type::INT16:
    case arrow::Type::UINT8:
      return Type::Int16();
    case arrow::Type::INT32:
    case arrow::Type::UINT16:
      return Type::Int32();
    case arrow::Type::INT64:
    case arrow::Type::UINT32:
      return Type::Int64();
    case arrow::Type::UINT64:
      return Type::Decimal(20, 0);
    case arrow::Type::HALF_FLOAT:
    case arrow::Type::FLOAT:
      return Type::Float();
    case arrow::Type::DOUBLE:
      return Type::Double();
    case arrow::Type::BOOL:
      return Type::Boolean();
    case arrow::Type::DECIMAL128:
    case arrow::Type::DECIMAL256: {
      const auto& decimal = static_cast<const arrow::DecimalType&>(type);
      if (decimal.precision() > 38) {
        return Status::Invalid("decimal precision " + std::to_string(decimal.precision()) +
                               " is above the supported 38");
      }
      return Type::Decimal(decimal.precision(), decimal.scale());
    }
    case arrow::Type::DATE32:
    case arrow::Type::DATE64:
      return Type::Date();
    case arrow::Type::TIMESTAMP: {
      const auto& timestamp = static_cast<const arrow::TimestampType&>(type);
      return timestamp.timezone().empty() ? Type::TimestampNtz() : Type::Timestamp();
    }
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_BINARY:
    case arrow::Type::FIXED_SIZE_BINARY:
      return Type::Binary();
    case arrow::Type::NA:
      return Type::String();
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST:
    case arrow::Type::FIXED_SIZE_LIST: {
      MORTAR_ASSIGN_OR_RETURN(Type element, FromArrow(*type.field(0)->type()));
      return Type::Array(std::move(element));
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(type);
      MORTAR_ASSIGN_OR_RETURN(Type key, FromArrow(*map.key_type()));
      MORTAR_ASSIGN_OR_RETURN(Type value, FromArrow(*map.item_type()));
      return Type::Map(std::move(key), std::move(value));
    }
    case arrow::Type::STRUCT: {
      std::vector<Field> fields;
      for (const auto& child : type.fields()) {
        MORTAR_ASSIGN_OR_RETURN(Type child_type, FromArrow(*child->type()));
        fields.push_back(Field{child->name(), std::move(child_type), child->nullable()});
      }
      return Type::Struct(std::move(fields));
    }
    default:
      return Status::Invalid("the Arrow type " + type.ToString() + " has no Mortar equivalent");
  }
}

}  // namespace mortar
