// The Databricks-only result paths (Arrow batches, LZ4 frames, CloudFetch streams)
// cannot be exercised by the open-source stand-in; these tests build the frames the
// way Databricks sends them and decode them.
#include "connectors/databricks/result_decoder.h"

#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/writer.h>
#include <gtest/gtest.h>
#include <lz4frame.h>

#include "testing/misaligned_arrow.h"

namespace mortar::databricks {
namespace {

std::shared_ptr<arrow::RecordBatch> SampleBatch(int64_t start) {
  arrow::Int64Builder ids;
  arrow::StringBuilder names;
  for (int64_t i = start; i < start + 3; ++i) {
    EXPECT_TRUE(ids.Append(i).ok());
    EXPECT_TRUE(names.Append("row " + std::to_string(i)).ok());
  }
  auto schema =
      arrow::schema({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8())});
  return arrow::RecordBatch::Make(schema, 3,
                                  {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie()});
}

// An IPC stream split the way Databricks sends it: the schema message, then one
// message per batch.
struct Frames {
  std::string schema;
  std::vector<std::string> batches;
  std::string whole;
};

Frames MakeFrames() {
  Frames frames;
  auto batch = SampleBatch(0);
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto writer = arrow::ipc::MakeStreamWriter(sink, batch->schema()).ValueOrDie();
  std::size_t schema_size = static_cast<std::size_t>(sink->Tell().ValueOrDie());
  std::size_t previous = schema_size;
  for (int64_t start : {0, 3}) {
    EXPECT_TRUE(writer->WriteRecordBatch(*SampleBatch(start)).ok());
    std::size_t now = static_cast<std::size_t>(sink->Tell().ValueOrDie());
    frames.batches.push_back(std::to_string(previous) + ":" + std::to_string(now));
    previous = now;
  }
  EXPECT_TRUE(writer->Close().ok());
  frames.whole = sink->Finish().ValueOrDie()->ToString();
  frames.schema = frames.whole.substr(0, schema_size);
  for (auto& range : frames.batches) {
    auto colon = range.find(':');
    std::size_t from = std::stoul(range.substr(0, colon));
    std::size_t to = std::stoul(range.substr(colon + 1));
    range = frames.whole.substr(from, to - from);
  }
  return frames;
}

std::string Lz4(const std::string& plain) {
  std::string out(LZ4F_compressFrameBound(plain.size(), nullptr), '\0');
  std::size_t size =
      LZ4F_compressFrame(out.data(), out.size(), plain.data(), plain.size(), nullptr);
  EXPECT_FALSE(LZ4F_isError(size));
  out.resize(size);
  return out;
}

TEST(ResultDecoderTest, DecodesInlineArrowBatches) {
  Frames frames = MakeFrames();
  auto batches = DecodeArrowBatches(frames.schema, frames.batches, false);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  ASSERT_EQ(batches->size(), 2u);
  EXPECT_EQ((*batches)[1]->column(0)->ToString(), SampleBatch(3)->column(0)->ToString());
}

TEST(ResultDecoderTest, DecodesLz4CompressedBatchesAndStreams) {
  Frames frames = MakeFrames();
  std::vector<std::string> compressed;
  for (const auto& batch : frames.batches) compressed.push_back(Lz4(batch));
  auto batches = DecodeArrowBatches(frames.schema, compressed, true);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  EXPECT_EQ(batches->size(), 2u);
  // A CloudFetch file is a whole stream, compressed as one frame.
  auto file = DecodeArrowStream(Lz4(frames.whole), true);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_EQ(file->size(), 2u);
  EXPECT_EQ(static_cast<const arrow::StringArray&>(*(*file)[1]->column(1)).GetString(2), "row 5");
}

TEST(ResultDecoderTest, APageIsBoundedAsAWholeNotOnlyBatchByBatch) {
  Frames frames = MakeFrames();
  std::vector<std::string> compressed;
  for (const auto& batch : frames.batches) compressed.push_back(Lz4(batch));
  std::size_t whole = frames.schema.size();
  for (const auto& batch : frames.batches) whole += batch.size();
  ASSERT_TRUE(DecodeArrowBatches(frames.schema, compressed, true, whole).ok());
  auto refused = DecodeArrowBatches(frames.schema, compressed, true, whole - 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("a page of the result decodes to more than"),
            std::string::npos)
      << refused.status().message();
}

TEST(ResultDecoderTest, DecodesAFileOfSeveralLz4FramesBackToBack) {
  // The last CloudFetch file of a result usually comes as one frame per batch.
  Frames frames = MakeFrames();
  std::string file = Lz4(frames.schema + frames.batches[0]) + Lz4(frames.batches[1]) +
                     Lz4(frames.whole.substr(frames.whole.size() - 8));
  auto decoded = DecodeArrowStream(file, true);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), 2u);
  EXPECT_EQ((*decoded)[1]->column(0)->ToString(), SampleBatch(3)->column(0)->ToString());
  // Cut inside the second frame: an error, not a short result.
  auto cut = DecompressLz4Frames(file.substr(0, file.size() - 12));
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("middle of a frame"), std::string::npos);
  auto cut_file = DecodeArrowStream(file.substr(0, file.size() - 12), true);
  ASSERT_FALSE(cut_file.ok());
  EXPECT_NE(cut_file.status().message().find("middle of a frame"), std::string::npos)
      << cut_file.status().ToString();
}

TEST(ResultDecoderTest, AnLz4FileIsDecompressedOnlyAsFarAsTheBatchesRead) {
  // A file of 40 batches of about 100 KiB each, as one frame: reading its first batch
  // must not decompress (and allocate) the rest.
  auto schema = arrow::schema({arrow::field("text", arrow::utf8())});
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto writer = arrow::ipc::MakeStreamWriter(sink, schema).ValueOrDie();
  for (int b = 0; b < 40; ++b) {
    arrow::StringBuilder texts;
    for (int i = 0; i < 1000; ++i)
      ASSERT_TRUE(texts.Append(std::string(90, static_cast<char>('a' + (b + i) % 26))).ok());
    auto batch = arrow::RecordBatch::Make(schema, 1000, {texts.Finish().ValueOrDie()});
    ASSERT_TRUE(writer->WriteRecordBatch(*batch).ok());
  }
  ASSERT_TRUE(writer->Close().ok());
  std::string whole = sink->Finish().ValueOrDie()->ToString();
  ASSERT_GT(whole.size(), 3u << 20);

  arrow::MemoryPool* pool = arrow::default_memory_pool();
  const int64_t before = pool->bytes_allocated();
  auto reader = ArrowStreamBatches::Open(Lz4(whole), true);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto first = (*reader)->Next();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(static_cast<const arrow::StringArray&>(*(*first)->column(0)).GetString(1),
            std::string(90, 'b'));
  EXPECT_LT(pool->bytes_allocated() - before, static_cast<int64_t>(whole.size() / 8));
  int batches = 1;
  while (true) {
    auto next = (*reader)->Next();
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (!*next) break;
    ++batches;
  }
  EXPECT_EQ(batches, 40);
}

TEST(ResultDecoderTest, BatchesWhoseBuffersSitAtOddOffsetsAreReadAligned) {
  std::string stream = testing::MisalignBatchBodies(MakeFrames().whole);
  for (bool lz4 : {false, true}) {
    auto decoded = DecodeArrowStream(lz4 ? Lz4(stream) : stream, lz4);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    ASSERT_EQ(decoded->size(), 2u);
    const auto& names = (*decoded)[1]->column(1);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(names->data()->buffers[1]->data()) % 4, 0u);
    EXPECT_TRUE(names->Equals(*SampleBatch(3)->column(1)));
  }
}

// A stream whose string column's last offset points far past its data buffer: Arrow's
// IPC reader accepts it, and a reader that trusted it would copy other memory.
std::string HostileStream() {
  auto good = SampleBatch(0);
  auto names = good->column(1)->data()->Copy();
  auto offsets = arrow::AllocateBuffer(4 * sizeof(int32_t)).ValueOrDie();
  auto* values = reinterpret_cast<int32_t*>(offsets->mutable_data());
  values[0] = 0;
  values[1] = 5;
  values[2] = 10;
  values[3] = 1 << 20;
  names->buffers[1] = std::move(offsets);
  auto batch =
      arrow::RecordBatch::Make(good->schema(), 3, {good->column(0), arrow::MakeArray(names)});
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto writer = arrow::ipc::MakeStreamWriter(sink, batch->schema()).ValueOrDie();
  EXPECT_TRUE(writer->WriteRecordBatch(*batch).ok());
  EXPECT_TRUE(writer->Close().ok());
  return sink->Finish().ValueOrDie()->ToString();
}

TEST(ResultDecoderTest, ArrowDataWhoseOffsetsPointOutsideIsRefused) {
  std::string stream = HostileStream();
  for (bool lz4 : {false, true}) {
    auto decoded = DecodeArrowStream(lz4 ? Lz4(stream) : stream, lz4);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.status().code(), ErrorCode::kRemote);
    EXPECT_NE(decoded.status().message().find("invalid Arrow data"), std::string::npos)
        << decoded.status().ToString();
  }
}

TEST(ResultDecoderTest, CorruptFramesAreClearErrors) {
  auto bad = DecompressLz4Frames("not lz4 at all");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("LZ4"), std::string::npos);
  Frames frames = MakeFrames();
  auto truncated = DecodeArrowStream(frames.whole.substr(0, frames.whole.size() / 2), false);
  EXPECT_FALSE(truncated.ok());
}

TEST(ResultDecoderTest, DecodesColumnBasedRowSetsWithNulls) {
  wire::TRowSet rows;
  wire::TColumn ids;
  ids.__set_i64Val(wire::TI64Column());
  ids.i64Val.values = {1, 0, 3};
  ids.i64Val.nulls = std::string(1, '\x02');  // row 2 (index 1) is null
  wire::TColumn amounts;
  amounts.__set_stringVal(wire::TStringColumn());
  amounts.stringVal.values = {"1.50", "", "12345678901234567890.12"};
  amounts.stringVal.nulls = std::string(1, '\x02');
  wire::TColumn days;
  days.__set_stringVal(wire::TStringColumn());
  days.stringVal.values = {"2024-01-01", "2024-02-29", "1970-01-01"};
  rows.columns = {ids, amounts, days};
  Schema schema({{"id", Type::Int64(), true},
                 {"amount", *Type::Decimal(38, 2), true},
                 {"day", Type::Date(), true}});
  auto batch = DecodeColumns(rows, schema, 1, "query");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ((*batch)->num_rows(), 3);
  EXPECT_TRUE((*batch)->column(0)->IsNull(1));
  EXPECT_TRUE((*batch)->column(1)->IsNull(1));
  EXPECT_EQ(static_cast<const arrow::Decimal128Array&>(*(*batch)->column(1)).FormatValue(2),
            "12345678901234567890.12");
  EXPECT_EQ(static_cast<const arrow::Date32Array&>(*(*batch)->column(2)).Value(1), 19782);
}

TEST(ResultDecoderTest, DecimalTypeComesFromTheQualifiers) {
  wire::TColumnDesc column;
  column.columnName = "d";
  wire::TTypeEntry entry;
  wire::TPrimitiveTypeEntry primitive;
  primitive.type = 15;  // DECIMAL
  wire::TTypeQualifierValue precision;
  precision.__set_i32Value(12);
  wire::TTypeQualifierValue scale;
  scale.__set_i32Value(4);
  primitive.typeQualifiers.qualifiers = {{"precision", precision}, {"scale", scale}};
  entry.__set_primitiveEntry(primitive);
  column.typeDesc.types = {entry};
  EXPECT_EQ(TypeOfColumn(column).ToString(), "decimal(12,4)");
}

}  // namespace
}  // namespace mortar::databricks

namespace mortar::databricks {
namespace {

// Found by fuzz/databricks_replies_fuzzer.cc (gigabytes of memory for tiny files): a
// link's bytesNum is the server's word, believed only as far as the file could go.
TEST(ResultDecoderTest, TheSizeHintIsBelievedOnlyAsFarAsTheFileCouldDecompress) {
  EXPECT_EQ(Lz4InitialCapacity(100, std::size_t{1} << 30), 100u * 255 + 1024);
  EXPECT_EQ(Lz4InitialCapacity(20 << 20, 48 << 20), std::size_t{60} << 20);  // a real file
  EXPECT_EQ(Lz4InitialCapacity(20 << 20, 90 << 20), std::size_t{90} << 20);
  EXPECT_LE(Lz4InitialCapacity(std::size_t{1} << 30, ~std::size_t{0}), kMaxLz4ResultBytes);
}

}  // namespace
}  // namespace mortar::databricks
