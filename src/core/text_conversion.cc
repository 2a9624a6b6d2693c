#include "mortar/core/text_conversion.h"

#include <arrow/api.h>
#include <arrow/util/base64.h>
#include <arrow/util/decimal.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "mortar/core/batch.h"
#include "mortar/core/parse_integer.h"
#include "mortar/core/value_text.h"

namespace mortar {

namespace {

Status ConversionError(const TextOrigin& origin, int64_t index, std::string_view value,
                       const Type& type, std::string_view why = {}) {
  std::string shown(value.substr(0, 80));
  std::string message =
      "value '" + shown + "' in column '" + origin.column + "' is not a valid " + type.ToString();
  if (!why.empty()) message += " (" + std::string(why) + ")";
  message += "; at " + origin.source + ", row " + std::to_string(origin.first_row + index);
  return Status::Invalid(message).WithDetail(
      TextPositionDetail(origin.column, origin.first_row + index));
}

arrow::Status AppendJson(arrow::ArrayBuilder* builder, const nlohmann::json& value);

arrow::Status AppendJsonList(arrow::ArrayBuilder* builder, const nlohmann::json& value) {
  if (!value.is_array()) return arrow::Status::Invalid("expected a JSON array");
  auto* list = static_cast<arrow::ListBuilder*>(builder);
  ARROW_RETURN_NOT_OK(list->Append());
  for (const auto& element : value) ARROW_RETURN_NOT_OK(AppendJson(list->value_builder(), element));
  return arrow::Status::OK();
}

arrow::Status AppendJsonMap(arrow::ArrayBuilder* builder, const nlohmann::json& value) {
  if (!value.is_object()) return arrow::Status::Invalid("expected a JSON object");
  auto* map = static_cast<arrow::MapBuilder*>(builder);
  ARROW_RETURN_NOT_OK(map->Append());
  for (const auto& [key, item] : value.items()) {
    ARROW_RETURN_NOT_OK(AppendJson(map->key_builder(), nlohmann::json(key)));
    ARROW_RETURN_NOT_OK(AppendJson(map->item_builder(), item));
  }
  return arrow::Status::OK();
}

arrow::Status AppendJsonStruct(arrow::ArrayBuilder* builder, const nlohmann::json& value) {
  if (!value.is_object()) return arrow::Status::Invalid("expected a JSON object");
  auto* builder_struct = static_cast<arrow::StructBuilder*>(builder);
  ARROW_RETURN_NOT_OK(builder_struct->Append());
  std::shared_ptr<arrow::DataType> type = builder->type();
  for (int i = 0; i < type->num_fields(); ++i) {
    auto it = value.find(type->field(i)->name());
    ARROW_RETURN_NOT_OK(
        AppendJson(builder_struct->field_builder(i), it == value.end() ? nlohmann::json() : *it));
  }
  return arrow::Status::OK();
}

// Appends one JSON value to a builder of any Mortar type.
arrow::Status AppendJson(arrow::ArrayBuilder* builder, const nlohmann::json& value) {
  if (value.is_null()) return builder->AppendNull();
  switch (builder->type()->id()) {
    case arrow::Type::LIST:
      return AppendJsonList(builder, value);
    case arrow::Type::MAP:
      return AppendJsonMap(builder, value);
    case arrow::Type::STRUCT:
      return AppendJsonStruct(builder, value);
    case arrow::Type::BINARY:
      // Bytes in JSON are base64, as Mortar writes them (and Spark's to_json).
      if (value.is_string()) {
        auto bytes = arrow::util::base64_decode(value.get<std::string>());
        if (!bytes.ok()) {
          return arrow::Status::Invalid("a binary value inside a nested value is not base64: ",
                                        bytes.status().message());
        }
        return static_cast<arrow::BinaryBuilder*>(builder)->Append(*bytes);
      }
      break;
    default:
      break;
  }
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  auto type = Type::FromArrow(*builder->type());
  if (!type.ok()) return arrow::Status::Invalid(type.status().message());
  arrow::StringBuilder strings;
  ARROW_RETURN_NOT_OK(strings.Append(text));
  ARROW_ASSIGN_OR_RAISE(auto text_array, strings.Finish());
  auto converted = ConvertText(*text_array, *type, TextOrigin{"JSON", "element", 1});
  if (!converted.ok()) return arrow::Status::Invalid(converted.status().message());
  return builder->AppendArraySlice(*(*converted)->data(), 0, 1);
}

}  // namespace

Result<std::shared_ptr<arrow::Array>> ConvertText(const arrow::Array& text, const Type& type,
                                                  const TextOrigin& origin) {
  if (text.type_id() != arrow::Type::STRING && text.type_id() != arrow::Type::BINARY) {
    return Status::Internal("ConvertText needs a string array, got " + text.type()->ToString());
  }
  const auto& strings = static_cast<const arrow::BinaryArray&>(text);
  const int64_t length = strings.length();
  auto value_at = [&](int64_t i) { return std::string_view(strings.GetView(i)); };
  auto is_null = [&](int64_t i) { return strings.IsNull(i) || strings.GetView(i).empty(); };

  auto finish = [](arrow::ArrayBuilder& builder) -> Result<std::shared_ptr<arrow::Array>> {
    std::shared_ptr<arrow::Array> out;
    arrow::Status status = builder.Finish(&out);
    if (!status.ok()) return FromArrowStatus(status);
    return out;
  };

  switch (type.kind()) {
    case TypeKind::kString: {
      if (text.type_id() == arrow::Type::STRING) return arrow::MakeArray(text.data());
      arrow::StringBuilder builder;
      MORTAR_RETURN_IF_ARROW_ERROR(builder.Reserve(length));
      for (int64_t i = 0; i < length; ++i) {
        if (strings.IsNull(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
        } else {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(value_at(i)));
        }
      }
      return finish(builder);
    }
    case TypeKind::kBinary: {
      arrow::BinaryBuilder builder;
      for (int64_t i = 0; i < length; ++i) {
        if (strings.IsNull(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
        } else {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(value_at(i)));
        }
      }
      return finish(builder);
    }
    case TypeKind::kInt8:
    case TypeKind::kInt16:
    case TypeKind::kInt32:
    case TypeKind::kInt64: {
      int64_t low = std::numeric_limits<int64_t>::min();
      int64_t high = std::numeric_limits<int64_t>::max();
      if (type.kind() == TypeKind::kInt8) {
        low = INT8_MIN;
        high = INT8_MAX;
      } else if (type.kind() == TypeKind::kInt16) {
        low = INT16_MIN;
        high = INT16_MAX;
      } else if (type.kind() == TypeKind::kInt32) {
        low = INT32_MIN;
        high = INT32_MAX;
      }
      std::unique_ptr<arrow::ArrayBuilder> builder;
      MORTAR_RETURN_IF_ARROW_ERROR(
          arrow::MakeBuilder(arrow::default_memory_pool(), type.ToArrow(), &builder));
      MORTAR_RETURN_IF_ARROW_ERROR(builder->Reserve(length));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder->AppendNull());
          continue;
        }
        auto value = ParseInteger(value_at(i));
        if (!value) return ConversionError(origin, i, value_at(i), type);
        if (*value < low || *value > high) {
          return ConversionError(origin, i, value_at(i), type, "out of range");
        }
        switch (type.kind()) {
          case TypeKind::kInt8:
            MORTAR_RETURN_IF_ARROW_ERROR(static_cast<arrow::Int8Builder*>(builder.get())
                                             ->Append(static_cast<int8_t>(*value)));
            break;
          case TypeKind::kInt16:
            MORTAR_RETURN_IF_ARROW_ERROR(static_cast<arrow::Int16Builder*>(builder.get())
                                             ->Append(static_cast<int16_t>(*value)));
            break;
          case TypeKind::kInt32:
            MORTAR_RETURN_IF_ARROW_ERROR(static_cast<arrow::Int32Builder*>(builder.get())
                                             ->Append(static_cast<int32_t>(*value)));
            break;
          default:
            MORTAR_RETURN_IF_ARROW_ERROR(
                static_cast<arrow::Int64Builder*>(builder.get())->Append(*value));
            break;
        }
      }
      return finish(*builder);
    }
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      arrow::DoubleBuilder doubles;
      arrow::FloatBuilder floats;
      MORTAR_RETURN_IF_ARROW_ERROR(
          (type.kind() == TypeKind::kDouble ? doubles.Reserve(length) : floats.Reserve(length)));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(
              (type.kind() == TypeKind::kDouble ? doubles.AppendNull() : floats.AppendNull()));
          continue;
        }
        auto value = ParseDouble(value_at(i));
        if (!value) return ConversionError(origin, i, value_at(i), type);
        MORTAR_RETURN_IF_ARROW_ERROR((type.kind() == TypeKind::kDouble
                                          ? doubles.Append(*value)
                                          : floats.Append(static_cast<float>(*value))));
      }
      return type.kind() == TypeKind::kDouble ? finish(doubles) : finish(floats);
    }
    case TypeKind::kBoolean: {
      arrow::BooleanBuilder builder;
      MORTAR_RETURN_IF_ARROW_ERROR(builder.Reserve(length));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
          continue;
        }
        auto value = ParseBoolean(value_at(i));
        if (!value) return ConversionError(origin, i, value_at(i), type);
        MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(*value));
      }
      return finish(builder);
    }
    case TypeKind::kDecimal: {
      arrow::Decimal128Builder builder(type.ToArrow());
      MORTAR_RETURN_IF_ARROW_ERROR(builder.Reserve(length));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
          continue;
        }
        arrow::Decimal128 value;
        int32_t precision = 0;
        int32_t scale = 0;
        std::string trimmed(TrimSpace(value_at(i)));
        if (!trimmed.empty() && trimmed.front() == '+') trimmed.erase(0, 1);
        if (!arrow::Decimal128::FromString(trimmed, &value, &precision, &scale).ok()) {
          return ConversionError(origin, i, value_at(i), type);
        }
        if (scale != type.scale()) {
          // Rounding half away from zero when there are more digits than the scale.
          if (scale > type.scale()) {
            auto reduced = value.ReduceScaleBy(scale - type.scale(), /*round=*/true);
            value = reduced;
          } else {
            auto rescaled = value.Rescale(scale, type.scale());
            if (!rescaled.ok())
              return ConversionError(origin, i, value_at(i), type, "too many digits");
            value = *rescaled;
          }
        }
        if (!value.FitsInPrecision(type.precision())) {
          return ConversionError(origin, i, value_at(i), type, "too many digits");
        }
        MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(value));
      }
      return finish(builder);
    }
    case TypeKind::kDate: {
      arrow::Date32Builder builder;
      MORTAR_RETURN_IF_ARROW_ERROR(builder.Reserve(length));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
          continue;
        }
        auto value = ParseDate(value_at(i));
        if (!value) {
          // A timestamp at midnight is a date too.
          auto timestamp = ParseTimestamp(value_at(i));
          if (!timestamp || *timestamp % 86400000000LL != 0) {
            return ConversionError(origin, i, value_at(i), type, "expected YYYY-MM-DD");
          }
          value = static_cast<int32_t>(*timestamp / 86400000000LL);
        }
        MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(*value));
      }
      return finish(builder);
    }
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampNtz: {
      arrow::TimestampBuilder builder(type.ToArrow(), arrow::default_memory_pool());
      MORTAR_RETURN_IF_ARROW_ERROR(builder.Reserve(length));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
          continue;
        }
        auto value = ParseTimestamp(value_at(i));
        if (!value) {
          return ConversionError(origin, i, value_at(i), type,
                                 "expected YYYY-MM-DD HH:MM:SS[.ffffff][Z|+hh:mm]");
        }
        MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(*value));
      }
      return finish(builder);
    }
    case TypeKind::kArray:
    case TypeKind::kMap:
    case TypeKind::kStruct: {
      std::unique_ptr<arrow::ArrayBuilder> builder;
      MORTAR_RETURN_IF_ARROW_ERROR(
          arrow::MakeBuilder(arrow::default_memory_pool(), type.ToArrow(), &builder));
      for (int64_t i = 0; i < length; ++i) {
        if (is_null(i)) {
          MORTAR_RETURN_IF_ARROW_ERROR(builder->AppendNull());
          continue;
        }
        auto json = nlohmann::json::parse(value_at(i), nullptr, /*allow_exceptions=*/false);
        if (json.is_discarded()) return ConversionError(origin, i, value_at(i), type, "not JSON");
        arrow::Status status = AppendJson(builder.get(), json);
        if (!status.ok()) return ConversionError(origin, i, value_at(i), type, status.message());
      }
      return finish(*builder);
    }
  }
  return Status::Internal("unhandled type " + type.ToString());
}

Result<std::shared_ptr<arrow::Array>> FloatsToDecimals(const arrow::Array& floats, const Type& type,
                                                       const TextOrigin& origin) {
  if (type.kind() != TypeKind::kDecimal ||
      (floats.type_id() != arrow::Type::FLOAT && floats.type_id() != arrow::Type::DOUBLE)) {
    return Status::Internal("FloatsToDecimals takes floats to a decimal");
  }
  arrow::StringBuilder texts;
  MORTAR_RETURN_IF_ARROW_ERROR(texts.Reserve(floats.length()));
  char buffer[64];
  for (int64_t i = 0; i < floats.length(); ++i) {
    if (floats.IsNull(i)) {
      texts.UnsafeAppendNull();
      continue;
    }
    // The shortest text that reads back as the same value, as Java's Double.toString.
    auto [end, error] =
        floats.type_id() == arrow::Type::FLOAT
            ? std::to_chars(buffer, buffer + sizeof buffer,
                            static_cast<const arrow::FloatArray&>(floats).Value(i))
            : std::to_chars(buffer, buffer + sizeof buffer,
                            static_cast<const arrow::DoubleArray&>(floats).Value(i));
    if (error != std::errc()) return Status::Internal("cannot print a floating-point value");
    MORTAR_RETURN_IF_ARROW_ERROR(texts.Append(buffer, static_cast<int32_t>(end - buffer)));
  }
  MORTAR_ASSIGN_OR_RETURN(auto text, FromArrowResult(texts.Finish()));
  return ConvertText(*text, type, origin);
}

}  // namespace mortar
