#include "connectors/databricks/result_decoder.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/reader.h>
#include <lz4frame.h>

#include <functional>

#include "connectors/databricks/lz4_frame_stream.h"
#include "mortar/core/arrow_input.h"
#include "mortar/core/text_conversion.h"

namespace mortar::databricks {

namespace {

// TTypeId values.
constexpr int kBoolean = 0;
constexpr int kTinyint = 1;
constexpr int kSmallint = 2;
constexpr int kInt = 3;
constexpr int kBigint = 4;
constexpr int kFloat = 5;
constexpr int kDouble = 6;
constexpr int kTimestamp = 8;
constexpr int kBinary = 9;
constexpr int kDecimal = 15;
constexpr int kDate = 17;

bool IsNull(const std::string& nulls, std::size_t index) {
  std::size_t byte = index / 8;
  return byte < nulls.size() && ((static_cast<unsigned char>(nulls[byte]) >> (index % 8)) & 1) != 0;
}

template <typename Builder, typename Values>
Result<std::shared_ptr<arrow::Array>> Build(const Values& values, const std::string& nulls,
                                            std::shared_ptr<arrow::DataType> type) {
  Builder builder(std::move(type), arrow::default_memory_pool());
  // UnsafeAppend writes into what Reserve made: a failed Reserve must stop here.
  arrow::Status reserved = builder.Reserve(static_cast<int64_t>(values.size()));
  if (!reserved.ok()) return FromArrowStatus(reserved);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (IsNull(nulls, i)) {
      builder.UnsafeAppendNull();
    } else {
      builder.UnsafeAppend(static_cast<typename Builder::value_type>(values[i]));
    }
  }
  std::shared_ptr<arrow::Array> out;
  arrow::Status status = builder.Finish(&out);
  if (!status.ok()) return FromArrowStatus(status);
  return out;
}

Result<std::shared_ptr<arrow::Array>> Strings(const std::vector<std::string>& values,
                                              const std::string& nulls, bool binary) {
  std::unique_ptr<arrow::ArrayBuilder> builder;
  MORTAR_RETURN_IF_ARROW_ERROR(arrow::MakeBuilder(
      arrow::default_memory_pool(), binary ? arrow::binary() : arrow::utf8(), &builder));
  auto* strings = static_cast<arrow::BinaryBuilder*>(builder.get());
  MORTAR_RETURN_IF_ARROW_ERROR(strings->Reserve(static_cast<int64_t>(values.size())));
  for (std::size_t i = 0; i < values.size(); ++i) {
    arrow::Status status = IsNull(nulls, i) ? strings->AppendNull() : strings->Append(values[i]);
    if (!status.ok()) return FromArrowStatus(status);
  }
  std::shared_ptr<arrow::Array> out;
  arrow::Status status = builder->Finish(&out);
  if (!status.ok()) return FromArrowStatus(status);
  return out;
}

Result<Batch> ReadValidated(arrow::RecordBatchReader& reader) {
  std::shared_ptr<arrow::RecordBatch> batch;
  arrow::Status status = reader.ReadNext(&batch);
  if (!status.ok()) return Status::Remote("cannot read the Arrow result: " + status.message());
  if (batch) {
    if (Status valid = ValidateArrowInput(*batch, "the server's result"); !valid.ok())
      return Status::Remote(valid.message());
  }
  return batch;
}

Result<std::shared_ptr<arrow::RecordBatchReader>> OpenStream(
    std::shared_ptr<arrow::io::InputStream> input) {
  auto reader =
      arrow::ipc::RecordBatchStreamReader::Open(std::move(input), ArrowInputReadOptions());
  if (!reader.ok())
    return Status::Remote("cannot read the Arrow result: " + reader.status().message());
  return std::shared_ptr<arrow::RecordBatchReader>(std::move(*reader));
}

// Every batch `next` gives before the empty one.
Result<std::vector<Batch>> Gather(const std::function<Result<Batch>()>& next) {
  std::vector<Batch> batches;
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, next());
    if (!batch) return batches;
    batches.push_back(std::move(batch));
  }
}

Result<std::vector<Batch>> ReadStream(std::shared_ptr<arrow::Buffer> buffer) {
  MORTAR_ASSIGN_OR_RETURN(auto reader,
                          OpenStream(std::make_shared<arrow::io::BufferReader>(std::move(buffer))));
  return Gather([&] { return ReadValidated(*reader); });
}

}  // namespace

Type TypeOfColumn(const wire::TColumnDesc& column) {
  if (!column.typeDesc.types.empty() && column.typeDesc.types[0].__isset.primitiveEntry) {
    const auto& entry = column.typeDesc.types[0].primitiveEntry;
    switch (entry.type) {
      case kBoolean:
        return Type::Boolean();
      case kTinyint:
        return Type::Int8();
      case kSmallint:
        return Type::Int16();
      case kInt:
        return Type::Int32();
      case kBigint:
        return Type::Int64();
      case kFloat:
        return Type::Float();
      case kDouble:
        return Type::Double();
      case kTimestamp:
        return Type::Timestamp();
      case kBinary:
        return Type::Binary();
      case kDate:
        return Type::Date();
      case kDecimal: {
        int precision = 38;
        int scale = 18;
        const auto& qualifiers = entry.typeQualifiers.qualifiers;
        if (auto it = qualifiers.find("precision"); it != qualifiers.end()) {
          precision = it->second.i32Value;
        }
        if (auto it = qualifiers.find("scale"); it != qualifiers.end()) scale = it->second.i32Value;
        auto type = Type::Decimal(precision, scale);
        return type.ok() ? *type : Type::String();
      }
      default:
        return Type::String();
    }
  }
  return Type::String();
}

Result<Schema> SchemaOf(const wire::TTableSchema& table) {
  Schema schema;
  for (const auto& column : table.columns) {
    schema.Add(Column{column.columnName, TypeOfColumn(column), true});
  }
  return schema;
}

int64_t ColumnRowCount(const wire::TRowSet& rows) {
  if (rows.columns.empty()) return 0;
  const wire::TColumn& column = rows.columns[0];
  if (column.__isset.boolVal) return static_cast<int64_t>(column.boolVal.values.size());
  if (column.__isset.byteVal) return static_cast<int64_t>(column.byteVal.values.size());
  if (column.__isset.i16Val) return static_cast<int64_t>(column.i16Val.values.size());
  if (column.__isset.i32Val) return static_cast<int64_t>(column.i32Val.values.size());
  if (column.__isset.i64Val) return static_cast<int64_t>(column.i64Val.values.size());
  if (column.__isset.doubleVal) return static_cast<int64_t>(column.doubleVal.values.size());
  if (column.__isset.stringVal) return static_cast<int64_t>(column.stringVal.values.size());
  if (column.__isset.binaryVal) return static_cast<int64_t>(column.binaryVal.values.size());
  return 0;
}

Result<Batch> DecodeColumns(const wire::TRowSet& rows, const Schema& schema, int64_t first_row,
                            const std::string& source) {
  if (rows.columns.size() != schema.size()) {
    return Status::Remote(source + ": the server sent " + std::to_string(rows.columns.size()) +
                          " columns for a result of " + std::to_string(schema.size()));
  }
  int64_t length = ColumnRowCount(rows);
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (std::size_t c = 0; c < schema.size(); ++c) {
    const wire::TColumn& column = rows.columns[c];
    const Type& type = schema[c].type;
    std::shared_ptr<arrow::Array> array;
    if (column.__isset.boolVal) {
      MORTAR_ASSIGN_OR_RETURN(
          array, Build<arrow::BooleanBuilder>(column.boolVal.values, column.boolVal.nulls,
                                              arrow::boolean()));
    } else if (column.__isset.byteVal) {
      MORTAR_ASSIGN_OR_RETURN(
          array,
          Build<arrow::Int8Builder>(column.byteVal.values, column.byteVal.nulls, arrow::int8()));
    } else if (column.__isset.i16Val) {
      MORTAR_ASSIGN_OR_RETURN(
          array,
          Build<arrow::Int16Builder>(column.i16Val.values, column.i16Val.nulls, arrow::int16()));
    } else if (column.__isset.i32Val) {
      MORTAR_ASSIGN_OR_RETURN(
          array,
          Build<arrow::Int32Builder>(column.i32Val.values, column.i32Val.nulls, arrow::int32()));
    } else if (column.__isset.i64Val) {
      MORTAR_ASSIGN_OR_RETURN(
          array,
          Build<arrow::Int64Builder>(column.i64Val.values, column.i64Val.nulls, arrow::int64()));
    } else if (column.__isset.doubleVal) {
      if (type.kind() == TypeKind::kFloat) {
        MORTAR_ASSIGN_OR_RETURN(
            array, Build<arrow::FloatBuilder>(column.doubleVal.values, column.doubleVal.nulls,
                                              arrow::float32()));
      } else {
        MORTAR_ASSIGN_OR_RETURN(
            array, Build<arrow::DoubleBuilder>(column.doubleVal.values, column.doubleVal.nulls,
                                               arrow::float64()));
      }
    } else if (column.__isset.binaryVal) {
      MORTAR_ASSIGN_OR_RETURN(array,
                              Strings(column.binaryVal.values, column.binaryVal.nulls, true));
    } else if (column.__isset.stringVal) {
      MORTAR_ASSIGN_OR_RETURN(array,
                              Strings(column.stringVal.values, column.stringVal.nulls, false));
    } else {
      MORTAR_ASSIGN_OR_RETURN(array, Strings({}, "", false));
      array = *arrow::MakeArrayOfNull(arrow::utf8(), length);
    }
    if (array->length() != length) {
      return Status::Remote(source + ": the server sent columns of different lengths");
    }
    // Text travels for dates, timestamps, decimals and nested values: convert with
    // row-located errors; other columns are cast when the declared type differs.
    if (!array->type()->Equals(*type.ToArrow())) {
      if (array->type_id() == arrow::Type::STRING || array->type_id() == arrow::Type::BINARY) {
        MORTAR_ASSIGN_OR_RETURN(
            array, ConvertText(*array, type, TextOrigin{source, schema[c].name, first_row}));
      } else {
        MORTAR_RETURN_IF_ERROR(InitializeCompute());
        auto cast = arrow::compute::Cast(*array, type.ToArrow());
        if (!cast.ok()) {
          return Status::Invalid(source + ": column '" + schema[c].name + "' does not convert to " +
                                 type.ToString() + ": " + cast.status().message());
        }
        array = *cast;
      }
    }
    arrays.push_back(std::move(array));
  }
  return arrow::RecordBatch::Make(schema.ToArrow(), length, std::move(arrays));
}

Result<std::shared_ptr<arrow::Buffer>> DecompressLz4Buffer(std::string_view compressed,
                                                           std::size_t size_hint) {
  LZ4F_dctx* context = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&context, LZ4F_VERSION))) {
    return Status::Internal("cannot create an LZ4 decompression context");
  }
  // Straight into an Arrow buffer, not zero-filled first, grown when the hint is short.
  auto allocated = arrow::AllocateResizableBuffer(
      static_cast<int64_t>(Lz4InitialCapacity(compressed.size(), size_hint)));
  if (!allocated.ok()) {
    LZ4F_freeDecompressionContext(context);
    return Status::Internal("cannot allocate for an LZ4 result: " + allocated.status().message());
  }
  std::shared_ptr<arrow::ResizableBuffer> out = std::move(*allocated);
  std::size_t written = 0;
  const char* input = compressed.data();
  std::size_t remaining = compressed.size();
  std::size_t hint = 1;
  while (remaining > 0) {
    auto capacity = static_cast<std::size_t>(out->size());
    if (capacity - written < (1 << 16)) {
      if (capacity >= kMaxLz4ResultBytes) {
        LZ4F_freeDecompressionContext(context);
        return Status::Remote("an LZ4 result decompresses to more than " +
                              std::to_string(kMaxLz4ResultBytes >> 20) +
                              " MiB; refused (a result file or page is far smaller)");
      }
      std::size_t next = std::min<std::size_t>(capacity * 2 + (1 << 20), kMaxLz4ResultBytes);
      arrow::Status grown = out->Resize(static_cast<int64_t>(next), false);
      if (!grown.ok()) {
        LZ4F_freeDecompressionContext(context);
        return Status::Internal("cannot allocate for an LZ4 result: " + grown.message());
      }
      capacity = static_cast<std::size_t>(out->size());
    }
    std::size_t out_size = capacity - written;
    std::size_t in_size = remaining;
    hint = LZ4F_decompress(context, out->mutable_data() + written, &out_size, input, &in_size,
                           nullptr);
    if (LZ4F_isError(hint)) {
      std::string error = LZ4F_getErrorName(hint);
      LZ4F_freeDecompressionContext(context);
      return Status::Remote("cannot decompress an LZ4 result: " + error);
    }
    written += out_size;
    input += in_size;
    remaining -= in_size;
    // hint 0: a frame ended. Real warehouses send files of several frames back to back,
    // so another may follow (the context is ready for it).
    if (in_size == 0 && out_size == 0) break;
  }
  LZ4F_freeDecompressionContext(context);
  if (hint != 0) return Status::Remote("an LZ4 result ends in the middle of a frame");
  arrow::Status shrunk = out->Resize(static_cast<int64_t>(written), false);
  if (!shrunk.ok()) return Status::Internal("cannot resize an LZ4 result: " + shrunk.message());
  return std::shared_ptr<arrow::Buffer>(std::move(out));
}

std::size_t Lz4InitialCapacity(std::size_t compressed, std::size_t size_hint) {
  // The hint comes from the server (a link's bytesNum): believed only as far as the
  // file itself could decompress (LZ4 compresses at most about 255 to 1).
  size_hint = std::min({size_hint, kMaxLz4ResultBytes, compressed * 255 + 1024});
  return std::max<std::size_t>(size_hint, std::min<std::size_t>(compressed * 3, 64 << 20));
}

Result<std::string> DecompressLz4Frames(std::string_view compressed, std::size_t size_hint) {
  MORTAR_ASSIGN_OR_RETURN(auto buffer, DecompressLz4Buffer(compressed, size_hint));
  return buffer->ToString();
}

Result<std::vector<Batch>> DecodeArrowBatches(const std::string& arrow_schema,
                                              const std::vector<std::string>& batches, bool lz4,
                                              std::size_t max_bytes) {
  std::string stream = arrow_schema;
  for (const auto& batch : batches) {
    if (lz4) {
      MORTAR_ASSIGN_OR_RETURN(std::string plain, DecompressLz4Frames(batch));
      stream += plain;
    } else {
      stream += batch;
    }
    // A page is bounded as a whole, not only batch by batch: many batches that each
    // decompress to the limit would add up to many times it.
    if (stream.size() > max_bytes) {
      return Status::Remote("a page of the result decodes to more than " +
                            std::to_string(max_bytes) + " bytes; refused (a page is far smaller)");
    }
  }
  return ReadStream(arrow::Buffer::FromString(std::move(stream)));
}

Result<std::unique_ptr<ArrowStreamBatches>> ArrowStreamBatches::Open(
    std::string stream, bool lz4, std::shared_ptr<SpareBuffers> spares) {
  std::shared_ptr<arrow::io::InputStream> input;
  if (lz4) {
    MORTAR_ASSIGN_OR_RETURN(
        input, Lz4FrameInputStream::Open(std::move(stream), kMaxLz4ResultBytes, std::move(spares)));
  } else {
    input = std::make_shared<arrow::io::BufferReader>(arrow::Buffer::FromString(std::move(stream)));
  }
  MORTAR_ASSIGN_OR_RETURN(auto reader, OpenStream(std::move(input)));
  return std::unique_ptr<ArrowStreamBatches>(new ArrowStreamBatches(std::move(reader)));
}

Result<Batch> ArrowStreamBatches::Next() {
  return ReadValidated(*reader_);
}

Result<std::vector<Batch>> DecodeArrowStream(std::string stream, bool lz4) {
  MORTAR_ASSIGN_OR_RETURN(auto reader, ArrowStreamBatches::Open(std::move(stream), lz4));
  return Gather([&] { return reader->Next(); });
}

Result<Batch> ConformBatch(Batch batch, const std::shared_ptr<arrow::Schema>& schema,
                           const std::string& source) {
  if (batch->schema()->Equals(*schema, false)) return batch;
  if (batch->num_columns() != schema->num_fields()) {
    return Status::Remote(source + ": the server sent a batch of " +
                          std::to_string(batch->num_columns()) + " columns for a result of " +
                          std::to_string(schema->num_fields()));
  }
  MORTAR_RETURN_IF_ERROR(InitializeCompute());
  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (int i = 0; i < batch->num_columns(); ++i) {
    auto want = schema->field(i)->type();
    auto column = batch->column(i);
    if (!column->type()->Equals(*want)) {
      auto cast = arrow::compute::Cast(*column, want);
      if (!cast.ok()) return Status::Remote(source + ": " + cast.status().message());
      column = *cast;
    }
    columns.push_back(column);
  }
  return arrow::RecordBatch::Make(schema, batch->num_rows(), std::move(columns));
}

}  // namespace mortar::databricks
