// Streams an SQLite statement's rows into Arrow batches of the declared schema.
#include <arrow/api.h>

#include <cmath>

#include "connectors/sqlite/sqlite_connection.h"
#include "mortar/core/text_conversion.h"
#include "mortar/core/value_text.h"

namespace mortar::sqlite {

namespace {

// Decimal, temporal and nested values travel as text and are converted per batch, so
// that a bad value is reported with its row.
bool ConvertsFromText(const Type& type) {
  return type.kind() == TypeKind::kDecimal || type.IsTemporal() || type.IsNested();
}

class SqliteReader final : public BatchReader {
 public:
  SqliteReader(SqliteConnection& connection, Statement statement, Schema schema, std::string source)
      : connection_(connection),
        statement_(std::move(statement)),
        schema_(std::move(schema)),
        arrow_schema_(schema_.ToArrow()),
        source_(std::move(source)) {}

  const Schema& schema() const override { return schema_; }

  Result<Batch> Next() override {
    if (done_) return Batch();
    std::vector<std::unique_ptr<arrow::ArrayBuilder>> builders;
    for (const auto& column : schema_.columns()) {
      std::unique_ptr<arrow::ArrayBuilder> builder;
      auto type = ConvertsFromText(column.type) ? arrow::utf8() : column.type.ToArrow();
      MORTAR_RETURN_IF_ARROW_ERROR(
          arrow::MakeBuilder(arrow::default_memory_pool(), type, &builder));
      builders.push_back(std::move(builder));
    }
    int64_t rows = 0;
    sqlite3_stmt* statement = statement_.get();
    while (rows < kDefaultBatchRows) {
      connection_.StartStep();
      int code = sqlite3_step(statement);
      connection_.EndStep();
      if (code == SQLITE_DONE) {
        done_ = true;
        break;
      }
      if (code != SQLITE_ROW) return connection_.Error("reading " + source_, code);
      for (std::size_t c = 0; c < schema_.size(); ++c) {
        MORTAR_RETURN_IF_ERROR(AppendValue(statement, static_cast<int>(c), schema_[c],
                                           builders[c].get(), row_number_ + rows + 1));
      }
      ++rows;
    }
    if (rows == 0) return Batch();
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (std::size_t c = 0; c < schema_.size(); ++c) {
      std::shared_ptr<arrow::Array> array;
      arrow::Status status = builders[c]->Finish(&array);
      if (!status.ok()) return FromArrowStatus(status);
      if (ConvertsFromText(schema_[c].type)) {
        TextOrigin origin{"connection '" + connection_.name() + "', " + source_, schema_[c].name,
                          row_number_ + 1};
        MORTAR_ASSIGN_OR_RETURN(array, ConvertText(*array, schema_[c].type, origin));
      }
      columns.push_back(std::move(array));
    }
    row_number_ += rows;
    return arrow::RecordBatch::Make(arrow_schema_, rows, std::move(columns));
  }

 private:
  Status Mismatch(const Column& column, int64_t row, const std::string& value) const {
    return Status::Invalid("connection '" + connection_.name() + "', " + source_ + ", row " +
                           std::to_string(row) + ": value '" + value.substr(0, 80) +
                           "' in column '" + column.name + "' is not a valid " +
                           column.type.ToString());
  }

  Status AppendValue(sqlite3_stmt* statement, int index, const Column& column,
                     arrow::ArrayBuilder* builder, int64_t row) {
    int storage = sqlite3_column_type(statement, index);
    if (storage == SQLITE_NULL) return FromArrowStatus(builder->AppendNull());
    auto text = [&] {
      const unsigned char* data = sqlite3_column_text(statement, index);
      return std::string_view(reinterpret_cast<const char*>(data),
                              static_cast<std::size_t>(sqlite3_column_bytes(statement, index)));
    };
    const Type& type = column.type;
    switch (type.kind()) {
      case TypeKind::kString:
        return FromArrowStatus(static_cast<arrow::StringBuilder*>(builder)->Append(text()));
      case TypeKind::kBinary: {
        const void* blob = sqlite3_column_blob(statement, index);
        int size = sqlite3_column_bytes(statement, index);
        return FromArrowStatus(static_cast<arrow::BinaryBuilder*>(builder)->Append(
            static_cast<const uint8_t*>(blob), size));
      }
      case TypeKind::kInt8:
      case TypeKind::kInt16:
      case TypeKind::kInt32:
      case TypeKind::kInt64: {
        int64_t value = 0;
        if (storage == SQLITE_INTEGER) {
          value = sqlite3_column_int64(statement, index);
        } else if (storage == SQLITE_FLOAT) {
          double real = sqlite3_column_double(statement, index);
          if (real != std::floor(real) || std::fabs(real) > 9.2e18) {
            return Mismatch(column, row, std::to_string(real));
          }
          value = static_cast<int64_t>(real);
        } else {
          return Mismatch(column, row, std::string(text()));
        }
        switch (type.kind()) {
          case TypeKind::kInt8:
            if (value < INT8_MIN || value > INT8_MAX)
              return Mismatch(column, row, std::to_string(value));
            return FromArrowStatus(
                static_cast<arrow::Int8Builder*>(builder)->Append(static_cast<int8_t>(value)));
          case TypeKind::kInt16:
            if (value < INT16_MIN || value > INT16_MAX)
              return Mismatch(column, row, std::to_string(value));
            return FromArrowStatus(
                static_cast<arrow::Int16Builder*>(builder)->Append(static_cast<int16_t>(value)));
          case TypeKind::kInt32:
            if (value < INT32_MIN || value > INT32_MAX)
              return Mismatch(column, row, std::to_string(value));
            return FromArrowStatus(
                static_cast<arrow::Int32Builder*>(builder)->Append(static_cast<int32_t>(value)));
          default:
            return FromArrowStatus(static_cast<arrow::Int64Builder*>(builder)->Append(value));
        }
      }
      case TypeKind::kFloat:
      case TypeKind::kDouble: {
        if (storage != SQLITE_INTEGER && storage != SQLITE_FLOAT)
          return Mismatch(column, row, std::string(text()));
        double value = sqlite3_column_double(statement, index);
        if (type.kind() == TypeKind::kFloat) {
          return FromArrowStatus(
              static_cast<arrow::FloatBuilder*>(builder)->Append(static_cast<float>(value)));
        }
        return FromArrowStatus(static_cast<arrow::DoubleBuilder*>(builder)->Append(value));
      }
      case TypeKind::kBoolean: {
        std::optional<bool> value;
        if (storage == SQLITE_INTEGER) {
          value = sqlite3_column_int64(statement, index) != 0;
        } else {
          value = ParseBoolean(text());
        }
        if (!value) return Mismatch(column, row, std::string(text()));
        return FromArrowStatus(static_cast<arrow::BooleanBuilder*>(builder)->Append(*value));
      }
      default: {
        auto* strings = static_cast<arrow::StringBuilder*>(builder);
        if (storage == SQLITE_FLOAT && type.kind() == TypeKind::kDecimal) {
          // A decimal stored as REAL: print it with its scale, rounding the binary noise.
          char buffer[64];
          std::snprintf(buffer, sizeof(buffer), "%.*f", type.scale(),
                        sqlite3_column_double(statement, index));
          return FromArrowStatus(strings->Append(buffer));
        }
        if (storage == SQLITE_INTEGER && type.kind() == TypeKind::kTimestamp) {
          // Unix seconds, SQLite's other timestamp convention.
          return FromArrowStatus(strings->Append(
              FormatTimestamp(sqlite3_column_int64(statement, index) * 1000000, true)));
        }
        return FromArrowStatus(strings->Append(text()));
      }
    }
  }

  SqliteConnection& connection_;
  Statement statement_;
  Schema schema_;
  std::shared_ptr<arrow::Schema> arrow_schema_;
  std::string source_;
  int64_t row_number_ = 0;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<BatchReader>> OpenSqliteReader(SqliteConnection& connection,
                                                      Statement statement, Schema schema,
                                                      std::string source) {
  return std::unique_ptr<BatchReader>(
      new SqliteReader(connection, std::move(statement), std::move(schema), std::move(source)));
}

}  // namespace mortar::sqlite
