#include "mortar/core/cell_text.h"

#include <arrow/api.h>
#include <arrow/util/base64.h>
#include <arrow/util/decimal.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "mortar/core/batch.h"
#include "mortar/core/value_text.h"

namespace mortar {

namespace {

// JSON text of a value whose strings may hold bytes that are not UTF-8 (a string
// column's bad bytes): those become U+FFFD instead of an exception.
std::string JsonText(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Bytes in JSON are base64 (standard alphabet, padded): lossless, and what Spark's
// from_json and Databricks' JSON results read and write for BINARY.
nlohmann::json BytesToJson(std::string_view bytes) {
  return arrow::util::base64_encode(bytes);
}

std::string DecimalText(const arrow::Decimal128& value, const arrow::DataType& type) {
  return FormatDecimal(value.ToIntegerString(),
                       static_cast<const arrow::Decimal128Type&>(type).scale());
}

// JSON has no NaN or infinities: they are named as strings, as in Databricks' JSON
// results (FormatDoubleForDisplay's names).
nlohmann::json DoubleToJson(double value) {
  if (!std::isfinite(value)) return FormatDoubleForDisplay(value);
  return value;
}

nlohmann::json ScalarToJson(const arrow::Scalar& scalar) {
  if (!scalar.is_valid) return nullptr;
  switch (scalar.type->id()) {
    case arrow::Type::BOOL:
      return static_cast<const arrow::BooleanScalar&>(scalar).value;
    case arrow::Type::INT8:
      return static_cast<const arrow::Int8Scalar&>(scalar).value;
    case arrow::Type::INT16:
      return static_cast<const arrow::Int16Scalar&>(scalar).value;
    case arrow::Type::INT32:
      return static_cast<const arrow::Int32Scalar&>(scalar).value;
    case arrow::Type::INT64:
      return static_cast<const arrow::Int64Scalar&>(scalar).value;
    case arrow::Type::FLOAT:
      return DoubleToJson(static_cast<const arrow::FloatScalar&>(scalar).value);
    case arrow::Type::DOUBLE:
      return DoubleToJson(static_cast<const arrow::DoubleScalar&>(scalar).value);
    case arrow::Type::DECIMAL128:
      return DecimalText(static_cast<const arrow::Decimal128Scalar&>(scalar).value, *scalar.type);
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_BINARY:
    case arrow::Type::FIXED_SIZE_BINARY:
      return BytesToJson(static_cast<const arrow::BaseBinaryScalar&>(scalar).view());
    case arrow::Type::DATE32:
      return FormatDate(static_cast<const arrow::Date32Scalar&>(scalar).value);
    case arrow::Type::TIMESTAMP: {
      const auto& timestamp = static_cast<const arrow::TimestampScalar&>(scalar);
      bool zone = !static_cast<const arrow::TimestampType&>(*scalar.type).timezone().empty();
      return FormatTimestamp(timestamp.value, zone);
    }
    case arrow::Type::LIST: {
      const auto& list = static_cast<const arrow::ListScalar&>(scalar);
      nlohmann::json out = nlohmann::json::array();
      for (int64_t i = 0; i < list.value->length(); ++i) {
        out.push_back(ScalarToJson(*list.value->GetScalar(i).ValueOrDie()));
      }
      return out;
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapScalar&>(scalar);
      const auto& entries = static_cast<const arrow::StructArray&>(*map.value);
      nlohmann::json out = nlohmann::json::object();
      for (int64_t i = 0; i < entries.length(); ++i) {
        auto key = ScalarToJson(*entries.field(0)->GetScalar(i).ValueOrDie());
        out[key.is_string() ? key.get<std::string>() : JsonText(key)] =
            ScalarToJson(*entries.field(1)->GetScalar(i).ValueOrDie());
      }
      return out;
    }
    case arrow::Type::STRUCT: {
      const auto& record = static_cast<const arrow::StructScalar&>(scalar);
      nlohmann::json out = nlohmann::json::object();
      for (int i = 0; i < scalar.type->num_fields(); ++i) {
        out[scalar.type->field(i)->name()] = ScalarToJson(*record.value[i]);
      }
      return out;
    }
    default:
      return scalar.ToString();
  }
}

}  // namespace

std::string DecimalCellText(const arrow::Array& decimals, int64_t index) {
  return DecimalText(
      arrow::Decimal128(static_cast<const arrow::Decimal128Array&>(decimals).GetValue(index)),
      *decimals.type());
}

std::string CellToJson(const arrow::Array& array, int64_t index) {
  if (array.IsNull(index)) return "null";
  if (array.type_id() == arrow::Type::DECIMAL128) {
    return nlohmann::json(DecimalCellText(array, index)).dump();
  }
  if (array.type_id() == arrow::Type::BINARY) {
    return BytesToJson(static_cast<const arrow::BinaryArray&>(array).GetView(index)).dump();
  }
  auto scalar = array.GetScalar(index);
  if (!scalar.ok()) return "null";
  return JsonText(ScalarToJson(**scalar));
}

std::string CellToText(const arrow::Array& array, int64_t index) {
  if (array.IsNull(index)) return "";
  switch (array.type_id()) {
    case arrow::Type::STRING:
      return std::string(static_cast<const arrow::StringArray&>(array).GetView(index));
    case arrow::Type::BINARY:
      return std::string(static_cast<const arrow::BinaryArray&>(array).GetView(index));
    case arrow::Type::DECIMAL128:
      return DecimalCellText(array, index);
    case arrow::Type::LIST:
    case arrow::Type::MAP:
    case arrow::Type::STRUCT:
      return CellToJson(array, index);
    default:
      break;
  }
  auto scalar = array.GetScalar(index);
  if (!scalar.ok()) return "";
  nlohmann::json value = ScalarToJson(**scalar);
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string CellToDisplayText(const arrow::Array& array, int64_t index) {
  if (array.IsNull(index)) return "";
  if (array.type_id() == arrow::Type::DOUBLE) {
    return FormatDoubleForDisplay(static_cast<const arrow::DoubleArray&>(array).Value(index));
  }
  if (array.type_id() == arrow::Type::FLOAT) {
    return FormatDoubleForDisplay(static_cast<const arrow::FloatArray&>(array).Value(index), 7);
  }
  return CellToText(array, index);
}

std::string CellToPreviewText(const arrow::Array& array, int64_t index, std::size_t max_bytes) {
  std::string text = CellToDisplayText(array, index);
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "\u2026";
}

Result<std::shared_ptr<arrow::Array>> NestedToJsonText(const arrow::Array& nested) {
  arrow::StringBuilder builder;
  for (int64_t i = 0; i < nested.length(); ++i) {
    if (nested.IsNull(i)) {
      MORTAR_RETURN_IF_ARROW_ERROR(builder.AppendNull());
      continue;
    }
    auto scalar = nested.GetScalar(i);
    if (!scalar.ok()) return FromArrowStatus(scalar.status());
    MORTAR_RETURN_IF_ARROW_ERROR(builder.Append(JsonText(ScalarToJson(**scalar))));
  }
  std::shared_ptr<arrow::Array> out;
  arrow::Status status = builder.Finish(&out);
  if (!status.ok()) return FromArrowStatus(status);
  return out;
}

}  // namespace mortar
