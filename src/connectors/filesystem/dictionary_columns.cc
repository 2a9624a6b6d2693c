#include "connectors/filesystem/dictionary_columns.h"

#include <arrow/compute/api.h>

#include <optional>

#include "mortar/core/batch.h"

namespace mortar::filesystem {

namespace {

// Bytes one value of `type` takes in a Parquet dictionary page as Arrow writes it: a
// fixed width, 0 for byte arrays (their length prefix and bytes), nothing for types
// written without a dictionary or not sized here.
std::optional<int64_t> DictionaryValueWidth(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8:
    case arrow::Type::UINT8:
    case arrow::Type::INT16:
    case arrow::Type::UINT16:
    case arrow::Type::INT32:
    case arrow::Type::FLOAT:
    case arrow::Type::DATE32:
    case arrow::Type::DATE64:  // written as days, INT32
    case arrow::Type::TIME32:
      return 4;
    case arrow::Type::UINT32:  // INT64 in Parquet 2.x
    case arrow::Type::INT64:
    case arrow::Type::UINT64:
    case arrow::Type::DOUBLE:
    case arrow::Type::TIME64:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::DURATION:
      return 8;
    case arrow::Type::DECIMAL128:
    case arrow::Type::DECIMAL256:  // fixed-length byte arrays, as narrow as the precision
      return arrow::DecimalType::DecimalSize(
          static_cast<const arrow::DecimalType&>(type).precision());
    case arrow::Type::FIXED_SIZE_BINARY:
      return static_cast<const arrow::FixedSizeBinaryType&>(type).byte_width();
    case arrow::Type::STRING:
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::LARGE_BINARY:
      return 0;
    default:
      return std::nullopt;
  }
}

// The bytes of a byte-array column's values, each with its 4-byte length prefix.
int64_t ByteArrayBytes(const arrow::Array& values) {
  int64_t data = 0;
  if (arrow::is_large_binary_like(values.type_id())) {
    data = static_cast<const arrow::LargeBinaryArray&>(values).total_values_length();
  } else {
    data = static_cast<const arrow::BinaryArray&>(values).total_values_length();
  }
  return data + 4 * (values.length() - values.null_count());
}

// The dictionary bytes `values` (of a sized type) would take: each distinct non-null
// value once.
Result<int64_t> DictionaryBytes(const arrow::ChunkedArray& values, int64_t width) {
  MORTAR_ASSIGN_OR_RETURN(auto distinct,
                          FromArrowResult(arrow::compute::Unique(arrow::Datum(values))));
  if (width > 0) return width * (distinct->length() - distinct->null_count());
  return ByteArrayBytes(*distinct);
}

// At most the bytes `values` would take if every value were distinct.
int64_t DictionaryBytesAtMost(const arrow::ChunkedArray& values, int64_t width) {
  if (width > 0) return width * (values.length() - values.null_count());
  int64_t bytes = 0;
  for (const auto& chunk : values.chunks()) bytes += ByteArrayBytes(*chunk);
  return bytes;
}

}  // namespace

Result<std::vector<int>> ColumnsOutgrowingDictionary(
    const std::vector<std::shared_ptr<arrow::RecordBatch>>& sample, int64_t dictionary_limit) {
  std::vector<int> outgrowing;
  if (sample.empty()) return outgrowing;
  MORTAR_RETURN_IF_ERROR(InitializeCompute());
  const auto& schema = *sample.front()->schema();
  for (int i = 0; i < schema.num_fields(); ++i) {
    auto width = DictionaryValueWidth(*schema.field(i)->type());
    if (!width) continue;
    arrow::ArrayVector chunks;
    chunks.reserve(sample.size());
    for (const auto& batch : sample) chunks.push_back(batch->column(i));
    arrow::ChunkedArray values(std::move(chunks), schema.field(i)->type());
    // Hashing is only needed when every value being distinct could fill the limit.
    if (DictionaryBytesAtMost(values, *width) < dictionary_limit) continue;
    MORTAR_ASSIGN_OR_RETURN(int64_t bytes, DictionaryBytes(values, *width));
    if (bytes >= dictionary_limit) outgrowing.push_back(i);
  }
  return outgrowing;
}

}  // namespace mortar::filesystem
