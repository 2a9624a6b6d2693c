#include "connectors/databricks/spark_literal.h"

#include <arrow/api.h>

#include <cmath>
#include <cstdio>

#include "mortar/core/cell_text.h"
#include "mortar/core/value_text.h"

namespace mortar::databricks {

void AppendSparkLiteral(const sql::Dialect& dialect, const arrow::Array& array, int64_t row,
                        const Type& type, std::string* out) {
  if (array.IsNull(row)) {
    *out += "NULL";
    return;
  }
  switch (type.kind()) {
    case TypeKind::kString:
      *out += dialect.QuoteString(CellToText(array, row));
      return;
    case TypeKind::kBoolean:
      *out += CellToText(array, row) == "true" ? "TRUE" : "FALSE";
      return;
    case TypeKind::kInt8:
    case TypeKind::kInt16:
    case TypeKind::kInt32:
      *out += CellToText(array, row);
      return;
    case TypeKind::kInt64:
      *out += CellToText(array, row) + "L";
      return;
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      double value = type.kind() == TypeKind::kFloat
                         ? static_cast<const arrow::FloatArray&>(array).Value(row)
                         : static_cast<const arrow::DoubleArray&>(array).Value(row);
      if (std::isnan(value) || std::isinf(value)) {
        *out += "CAST('" +
                std::string(std::isnan(value) ? "NaN"
                            : value > 0       ? "Infinity"
                                              : "-Infinity") +
                "' AS " + dialect.NativeType(type) + ")";
      } else {
        char buffer[40];
        std::snprintf(buffer, sizeof(buffer), "%.17g", value);
        *out += "CAST(" + std::string(buffer) + " AS " + dialect.NativeType(type) + ")";
      }
      return;
    }
    case TypeKind::kDecimal:
      *out += "CAST('" + CellToText(array, row) + "' AS " + dialect.NativeType(type) + ")";
      return;
    case TypeKind::kDate:
      *out += "DATE'" + CellToText(array, row) + "'";
      return;
    case TypeKind::kTimestamp: {
      // The session's time zone is UTC, so the instant is written without its zone.
      std::string text =
          FormatTimestamp(static_cast<const arrow::TimestampArray&>(array).Value(row), false);
      *out += "TIMESTAMP'" + text + "'";
      return;
    }
    case TypeKind::kTimestampNtz:
      *out += "TIMESTAMP_NTZ'" + CellToText(array, row) + "'";
      return;
    case TypeKind::kBinary: {
      auto view = static_cast<const arrow::BinaryArray&>(array).GetView(row);
      static constexpr char kDigits[] = "0123456789ABCDEF";
      *out += "X'";
      for (unsigned char byte : view) {
        *out += kDigits[byte >> 4];
        *out += kDigits[byte & 15];
      }
      *out += "'";
      return;
    }
    case TypeKind::kArray:
    case TypeKind::kMap:
    case TypeKind::kStruct:
      *out += "from_json(" + dialect.QuoteString(CellToJson(array, row)) + ", " +
              dialect.QuoteString(dialect.NativeType(type)) + ")";
      return;
  }
}

}  // namespace mortar::databricks
