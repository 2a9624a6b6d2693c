#include "connectors/databricks/delta_log.h"

#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <atomic>
#include <map>
#include <random>

namespace mortar::databricks {
namespace {

constexpr const char* kSchema =
    R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]})";

std::string Protocol(int reader, const std::string& features = "") {
  std::string out =
      R"({"protocol":{"minReaderVersion":)" + std::to_string(reader) + R"(,"minWriterVersion":7)";
  if (!features.empty()) out += R"(,"readerFeatures":[)" + features + "]";
  return out + "}}";
}

std::string Metadata(const std::string& extra = "") {
  std::string schema = kSchema;
  std::string escaped;
  for (char c : schema) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
  return R"({"metaData":{"id":"t1","format":{"provider":"parquet","options":{}},"schemaString":")" +
         escaped + R"(","partitionColumns":[])" + extra + "}}";
}

std::string Add(const std::string& path, const std::string& extra = "") {
  return R"({"add":{"path":")" + path + R"(","size":10,"dataChange":true)" + extra + "}}";
}

std::string Remove(const std::string& path) {
  return R"({"remove":{"path":")" + path + R"(","dataChange":true}})";
}

std::string Commit(int64_t version) {
  std::string digits = std::to_string(version);
  return std::string(20 - digits.size(), '0') + digits + ".json";
}

// The log as a map of file names to contents.
class MemoryLog final : public DeltaLogFiles {
 public:
  std::map<std::string, std::string> files;

  Result<std::vector<std::string>> List(const std::string& start_after) override {
    listed_after.push_back(start_after);
    std::vector<std::string> names;
    for (const auto& [name, body] : files) {
      if (name > start_after && name != "_last_checkpoint") names.push_back(name);
    }
    return names;
  }
  std::optional<std::string> LastCheckpoint() override {
    auto found = files.find("_last_checkpoint");
    return found == files.end() ? std::nullopt : std::optional<std::string>(found->second);
  }
  Result<std::string> Read(const std::string& name) override {
    reads.push_back(name);
    return files.at(name);
  }
  void WillRead(const std::vector<std::string>& names) override { will_read = names; }
  void Put(int64_t version, const std::vector<std::string>& actions) {
    std::string body;
    for (const auto& action : actions) body += action + "\n";
    files[Commit(version)] = body;
  }
  std::vector<std::string> reads;
  std::vector<std::string> will_read;     // as the snapshot announced them
  std::vector<std::string> listed_after;  // each listing's start
};

// A checkpoint with the protocol, the metadata and these live files, as Delta writes one
// (one action per row, the other columns null); with `stats`, each file's statistics
// (as large as Delta's for a wide table: a few kilobytes of JSON, different for each).
std::string Checkpoint(const std::vector<std::string>& paths, bool stats = false) {
  arrow::FieldVector add_fields = {
      arrow::field("path", arrow::utf8()), arrow::field("size", arrow::int64()),
      arrow::field("deletionVector", arrow::struct_({arrow::field("storageType", arrow::utf8())}))};
  std::vector<std::shared_ptr<arrow::ArrayBuilder>> add_builders = {
      std::make_shared<arrow::StringBuilder>(), std::make_shared<arrow::Int64Builder>(),
      std::make_shared<arrow::StructBuilder>(add_fields[2]->type(), arrow::default_memory_pool(),
                                             std::vector<std::shared_ptr<arrow::ArrayBuilder>>{
                                                 std::make_shared<arrow::StringBuilder>()})};
  if (stats) {
    add_fields.push_back(arrow::field("stats", arrow::utf8()));
    add_builders.push_back(std::make_shared<arrow::StringBuilder>());
  }
  auto add_type = arrow::struct_(add_fields);
  auto protocol_type = arrow::struct_({arrow::field("minReaderVersion", arrow::int32()),
                                       arrow::field("minWriterVersion", arrow::int32())});
  auto metadata_type = arrow::struct_(
      {arrow::field("id", arrow::utf8()), arrow::field("schemaString", arrow::utf8()),
       arrow::field("partitionColumns", arrow::list(arrow::utf8()))});
  arrow::StructBuilder adds(add_type, arrow::default_memory_pool(), add_builders);
  arrow::StructBuilder protocols(
      protocol_type, arrow::default_memory_pool(),
      {std::make_shared<arrow::Int32Builder>(), std::make_shared<arrow::Int32Builder>()});
  auto partitions = std::make_shared<arrow::ListBuilder>(arrow::default_memory_pool(),
                                                         std::make_shared<arrow::StringBuilder>());
  arrow::StructBuilder metadatas(metadata_type, arrow::default_memory_pool(),
                                 {std::make_shared<arrow::StringBuilder>(),
                                  std::make_shared<arrow::StringBuilder>(), partitions});
  // Row 0: protocol; row 1: metadata; then one add per path.
  auto row = [&](int kind, const std::string& path) {
    EXPECT_TRUE((kind == 0 ? protocols.Append() : protocols.AppendNull()).ok());
    if (kind == 0) {
      EXPECT_TRUE(static_cast<arrow::Int32Builder*>(protocols.field_builder(0))->Append(1).ok());
      EXPECT_TRUE(static_cast<arrow::Int32Builder*>(protocols.field_builder(1))->Append(2).ok());
    }
    EXPECT_TRUE((kind == 1 ? metadatas.Append() : metadatas.AppendNull()).ok());
    if (kind == 1) {
      EXPECT_TRUE(
          static_cast<arrow::StringBuilder*>(metadatas.field_builder(0))->Append("t1").ok());
      EXPECT_TRUE(
          static_cast<arrow::StringBuilder*>(metadatas.field_builder(1))->Append(kSchema).ok());
      EXPECT_TRUE(partitions->Append().ok());
    }
    EXPECT_TRUE((kind == 2 ? adds.Append() : adds.AppendNull()).ok());
    if (kind == 2) {
      EXPECT_TRUE(static_cast<arrow::StringBuilder*>(adds.field_builder(0))->Append(path).ok());
      EXPECT_TRUE(static_cast<arrow::Int64Builder*>(adds.field_builder(1))->Append(10).ok());
      EXPECT_TRUE(adds.field_builder(2)->AppendNull().ok());
      if (stats) {
        std::string text = R"({"numRecords":1,"minValues":{"id":")";
        std::mt19937_64 random(std::hash<std::string>()(path));
        while (text.size() < 2000) text += std::to_string(random());
        EXPECT_TRUE(
            static_cast<arrow::StringBuilder*>(adds.field_builder(3))->Append(text + "\"}}").ok());
      }
    }
  };
  row(0, "");
  row(1, "");
  for (const auto& path : paths) row(2, path);
  auto table = arrow::Table::Make(
      arrow::schema({arrow::field("protocol", protocol_type),
                     arrow::field("metaData", metadata_type), arrow::field("add", add_type)}),
      {protocols.Finish().ValueOrDie(), metadatas.Finish().ValueOrDie(),
       adds.Finish().ValueOrDie()});
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  EXPECT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), sink).ok());
  return sink->Finish().ValueOrDie()->ToString();
}

std::vector<std::string> Paths(const DeltaSnapshot& snapshot) {
  std::vector<std::string> paths;
  for (const auto& file : snapshot.files) paths.push_back(file.path);
  return paths;
}

TEST(DeltaLogTest, CommitsAreAppliedInOrder) {
  MemoryLog log;
  log.Put(0, {Protocol(1), Metadata(), Add("a.parquet"), Add("b.parquet")});
  log.Put(1,
          {R"({"commitInfo":{"operation":"DELETE"}})", Remove("a.parquet"), Add("c%20d.parquet")});
  auto snapshot = ReadDeltaSnapshot(log);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->version, 1);
  EXPECT_EQ(snapshot->schema_string, kSchema);
  EXPECT_EQ(Paths(*snapshot), (std::vector<std::string>{"b.parquet", "c d.parquet"}));
  EXPECT_EQ(snapshot->files[0].size, 10);
  EXPECT_EQ(snapshot->unreadable, "");
}

TEST(DeltaLogTest, StartsFromTheLastCompleteCheckpoint) {
  MemoryLog log;
  log.Put(0, {Protocol(1), Metadata(), Add("gone.parquet")});
  log.Put(1, {Remove("gone.parquet"), Add("x.parquet"), Add("y.parquet")});
  log.files["00000000000000000001.checkpoint.parquet"] = Checkpoint({"x.parquet", "y.parquet"});
  log.Put(2, {Remove("x.parquet"), Add("z.parquet")});
  // A checkpoint in two parts of which one is missing is not used.
  log.files["00000000000000000002.checkpoint.0000000001.0000000002.parquet"] = Checkpoint({});
  auto snapshot = ReadDeltaSnapshot(log);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->version, 2);
  EXPECT_EQ(Paths(*snapshot), (std::vector<std::string>{"y.parquet", "z.parquet"}));
  EXPECT_EQ(snapshot->schema_string, kSchema);
  // Commits the checkpoint covers are not read.
  EXPECT_EQ(std::count(log.reads.begin(), log.reads.end(), Commit(0)), 0);
  EXPECT_EQ(std::count(log.reads.begin(), log.reads.end(), Commit(1)), 0);
}

// A file in memory that counts the bytes read from it.
class CountedFile final : public arrow::io::RandomAccessFile {
 public:
  explicit CountedFile(std::string bytes)
      : file_(std::make_shared<arrow::io::BufferReader>(arrow::Buffer::FromString(bytes))) {}
  arrow::Status Close() override { return file_->Close(); }
  bool closed() const override { return file_->closed(); }
  arrow::Result<int64_t> Tell() const override { return file_->Tell(); }
  arrow::Status Seek(int64_t position) override { return file_->Seek(position); }
  arrow::Result<int64_t> GetSize() override { return file_->GetSize(); }
  arrow::Result<int64_t> Read(int64_t nbytes, void* out) override {
    ARROW_ASSIGN_OR_RAISE(int64_t read, file_->Read(nbytes, out));
    read_ += read;
    return read;
  }
  arrow::Result<std::shared_ptr<arrow::Buffer>> Read(int64_t nbytes) override {
    ARROW_ASSIGN_OR_RAISE(auto buffer, file_->Read(nbytes));
    read_ += buffer->size();
    return buffer;
  }
  arrow::Result<std::shared_ptr<arrow::Buffer>> ReadAt(int64_t position, int64_t nbytes) override {
    ARROW_ASSIGN_OR_RAISE(auto buffer, file_->ReadAt(position, nbytes));
    read_ += buffer->size();
    return buffer;
  }
  int64_t read() const { return read_; }

 private:
  std::shared_ptr<arrow::io::BufferReader> file_;
  std::atomic<int64_t> read_ = 0;
};

// A log whose checkpoints are opened as counted files.
class CountedLog final : public DeltaLogFiles {
 public:
  explicit CountedLog(MemoryLog& log) : log_(log) {}
  Result<std::vector<std::string>> List(const std::string& start_after) override {
    return log_.List(start_after);
  }
  std::optional<std::string> LastCheckpoint() override { return log_.LastCheckpoint(); }
  Result<std::string> Read(const std::string& name) override { return log_.Read(name); }
  Result<std::shared_ptr<arrow::io::RandomAccessFile>> Open(const std::string& name) override {
    opened = std::make_shared<CountedFile>(log_.files.at(name));
    return std::shared_ptr<arrow::io::RandomAccessFile>(opened);
  }
  std::shared_ptr<CountedFile> opened;

 private:
  MemoryLog& log_;
};

// A checkpoint's bytes are mostly each file's statistics, which a snapshot does not need:
// only the columns it does are read.
TEST(DeltaLogTest, ACheckpointIsReadWithoutItsStatistics) {
  MemoryLog log;
  std::vector<std::string> paths;
  for (int i = 0; i < 2000; ++i) paths.push_back("part-" + std::to_string(i) + ".parquet");
  const std::string checkpoint = Checkpoint(paths, true);
  log.files["00000000000000000004.checkpoint.parquet"] = checkpoint;
  log.Put(5, {Add("last.parquet")});
  CountedLog counted(log);
  auto snapshot = ReadDeltaSnapshot(counted);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->files.size(), 2001u);
  EXPECT_EQ(snapshot->schema_string, kSchema);
  ASSERT_TRUE(counted.opened);
  EXPECT_LT(counted.opened->read() * 4, static_cast<int64_t>(checkpoint.size()))
      << counted.opened->read() << " of " << checkpoint.size() << " bytes read";
}

TEST(DeltaLogTest, TheCommitsToApplyAreAnnouncedBeforeTheyAreRead) {
  // So that a store far away reads them several at once: the commits after the
  // checkpoint, in the order they are then read.
  MemoryLog log;
  log.Put(0, {Protocol(1), Metadata(), Add("a.parquet")});
  log.Put(1, {Add("b.parquet")});
  log.files["00000000000000000001.checkpoint.parquet"] = Checkpoint({"a.parquet", "b.parquet"});
  for (int version = 2; version <= 4; ++version) {
    log.Put(version, {Add(std::to_string(version) + ".parquet")});
  }
  auto snapshot = ReadDeltaSnapshot(log);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  const std::vector<std::string> after = {Commit(2), Commit(3), Commit(4)};
  EXPECT_EQ(log.will_read, after);
  EXPECT_EQ(log.reads, (std::vector<std::string>{"00000000000000000001.checkpoint.parquet",
                                                 Commit(2), Commit(3), Commit(4)}));
  EXPECT_EQ(Paths(*snapshot).size(), 5u);
}

// As Delta's readers do: the log listed from the checkpoint _last_checkpoint names, the
// commits before it never listed; a hint that leads nowhere is set aside.
TEST(DeltaLogTest, TheLogIsListedFromTheCheckpointLastCheckpointNames) {
  MemoryLog log;
  log.Put(0, {Protocol(1), Metadata(), Add("gone.parquet")});
  log.Put(1, {Remove("gone.parquet"), Add("x.parquet")});
  log.files["00000000000000000001.checkpoint.parquet"] = Checkpoint({"x.parquet"});
  log.Put(2, {Add("y.parquet")});
  log.files["_last_checkpoint"] = R"({"version":1,"size":3,"sizeInBytes":900})";
  auto snapshot = ReadDeltaSnapshot(log);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(Paths(*snapshot), (std::vector<std::string>{"x.parquet", "y.parquet"}));
  EXPECT_EQ(log.listed_after, (std::vector<std::string>{"00000000000000000001"}));

  // A checkpoint named but gone (or never written whole), a version that is no number,
  // no JSON: the whole log is listed, and read from the checkpoint there is.
  for (const std::string hint : {R"({"version":7})", R"({"version":"1"})", "{not json", ""}) {
    log.files["_last_checkpoint"] = hint;
    log.listed_after.clear();
    auto listed = ReadDeltaSnapshot(log);
    ASSERT_TRUE(listed.ok()) << hint << ": " << listed.status().ToString();
    EXPECT_EQ(Paths(*listed), (std::vector<std::string>{"x.parquet", "y.parquet"})) << hint;
    EXPECT_EQ(log.listed_after.back(), "") << hint;
  }
  log.files.erase("00000000000000000001.checkpoint.parquet");
  log.files["_last_checkpoint"] = R"({"version":1})";
  log.listed_after.clear();
  auto without = ReadDeltaSnapshot(log);
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  EXPECT_EQ(Paths(*without), (std::vector<std::string>{"x.parquet", "y.parquet"}));
  EXPECT_EQ(log.listed_after, (std::vector<std::string>{"00000000000000000001", ""}));

  // A version past int64's is no file of the log.
  log.files["99999999999999999999.json"] = Add("z.parquet");
  auto past = ReadDeltaSnapshot(log);
  ASSERT_TRUE(past.ok()) << past.status().ToString();
  EXPECT_EQ(past->version, 2);
}

TEST(DeltaLogTest, AV2CheckpointIsReadWithItsSidecars) {
  MemoryLog log;
  const std::string protocol = Protocol(3, R"("v2Checkpoint")");
  log.Put(0, {protocol, Metadata(), Add("gone.parquet")});
  log.Put(1, {Remove("gone.parquet"), Add("a.parquet"), Add("b.parquet"), Add("c.parquet")});
  // A v2 checkpoint (UUID-named, JSON): the protocol and metadata, and the files in two
  // sidecars, one named by its name, one by its URI.
  const std::string checkpoint =
      "00000000000000000001.checkpoint.3a0d65cd-4056-49b8-937b-95f9e3ee90e5.json";
  auto sidecar = [](const std::string& path) {
    return R"({"sidecar":{"path":")" + path + R"(","sizeInBytes":9,"modificationTime":1}})";
  };
  auto v2 = [&](const std::string& second) {
    return R"({"checkpointMetadata":{"version":1}})"
           "\n" +
           protocol + "\n" + Metadata() + "\n" + sidecar("016ae953.parquet") + "\n" +
           sidecar(second) + "\n";
  };
  log.files[checkpoint] = v2("s3://b/t/_delta_log/_sidecars/second.parquet");
  // Sidecars hold files only: their protocol and metadata rows are not the table's.
  log.files["_sidecars/016ae953.parquet"] = Checkpoint({"a.parquet", "b.parquet"});
  log.files["_sidecars/second.parquet"] = Checkpoint({"c.parquet"});
  log.Put(2, {Remove("a.parquet"), Add("d.parquet")});
  auto snapshot = ReadDeltaSnapshot(log);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->unreadable, "");
  EXPECT_EQ(Paths(*snapshot), (std::vector<std::string>{"b.parquet", "c.parquet", "d.parquet"}));
  EXPECT_EQ(std::count(log.reads.begin(), log.reads.end(), Commit(1)), 0);

  // A sidecar anywhere else is refused.
  for (const std::string outside : {"s3://b/other/x.parquet", "../x.parquet", ".."}) {
    log.files[checkpoint] = v2(outside);
    auto refused = ReadDeltaSnapshot(log);
    ASSERT_FALSE(refused.ok()) << outside;
    EXPECT_NE(refused.status().message().find("outside _delta_log/_sidecars/"), std::string::npos)
        << refused.status().message();
  }
}

TEST(DeltaLogTest, ACheckpointInPartsIsReadWhole) {
  MemoryLog log;
  log.files["00000000000000000003.checkpoint.0000000001.0000000002.parquet"] =
      Checkpoint({"p1.parquet"});
  log.files["00000000000000000003.checkpoint.0000000002.0000000002.parquet"] =
      Checkpoint({"p2.parquet"});
  log.Put(4, {Add("p3.parquet")});
  auto snapshot = ReadDeltaSnapshot(log);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(Paths(*snapshot), (std::vector<std::string>{"p1.parquet", "p2.parquet", "p3.parquet"}));
}

TEST(DeltaLogTest, AMissingCommitOrABadLineIsAnError) {
  MemoryLog gap;
  gap.Put(0, {Protocol(1), Metadata(), Add("a.parquet")});
  gap.Put(2, {Add("b.parquet")});
  EXPECT_NE(ReadDeltaSnapshot(gap).status().message().find("misses commit 1"), std::string::npos);

  MemoryLog bad;
  bad.Put(0, {Protocol(1), Metadata(), "{not json"});
  EXPECT_NE(ReadDeltaSnapshot(bad).status().message().find("line 3"), std::string::npos);

  MemoryLog shape;
  shape.Put(0, {Protocol(1), Metadata(), R"({"add":{"path":"a","size":"ten"}})"});
  EXPECT_FALSE(ReadDeltaSnapshot(shape).ok());

  MemoryLog empty;
  EXPECT_EQ(ReadDeltaSnapshot(empty).status().code(), ErrorCode::kNotFound);

  MemoryLog no_metadata;
  no_metadata.Put(0, {Protocol(1), Add("a.parquet")});
  EXPECT_NE(ReadDeltaSnapshot(no_metadata).status().message().find("no table metadata"),
            std::string::npos);
}

std::string UnreadableWith(const std::vector<std::string>& actions) {
  MemoryLog log;
  log.Put(0, actions);
  auto snapshot = ReadDeltaSnapshot(log);
  EXPECT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  return snapshot.ok() ? snapshot->unreadable : "";
}

TEST(DeltaLogTest, PartitionValuesComeWithEachFile) {
  std::string partitioned = Metadata();
  const std::string unpartitioned = R"("partitionColumns":[])";
  partitioned.replace(partitioned.find(unpartitioned), unpartitioned.size(),
                      R"("partitionColumns":["day","k"])");
  MemoryLog log;
  log.Put(0, {Protocol(1), partitioned,
              R"({"add":{"path":"day=2024-01-01/k=a%20b/x.parquet","size":10,)"
              R"("partitionValues":{"day":"2024-01-01","k":"a b"}}})",
              R"({"add":{"path":"day=__HIVE_DEFAULT_PARTITION__/y.parquet","size":10,)"
              R"("partitionValues":{"day":null,"k":""}}})"});
  auto snapshot = ReadDeltaSnapshot(log);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->unreadable, "");
  EXPECT_EQ(snapshot->partition_columns, (std::vector<std::string>{"day", "k"}));
  ASSERT_EQ(snapshot->files.size(), 2u);
  EXPECT_EQ(snapshot->files[0].path, "day=2024-01-01/k=a b/x.parquet");
  EXPECT_EQ(snapshot->files[0].partition_values.at("day"),
            std::optional<std::string>("2024-01-01"));
  EXPECT_EQ(snapshot->files[0].partition_values.at("k"), std::optional<std::string>("a b"));
  EXPECT_EQ(snapshot->files[1].partition_values.at("day"), std::nullopt);
  // An empty value is null, whatever the column's type (the protocol says so).
  EXPECT_EQ(snapshot->files[1].partition_values.at("k"), std::nullopt);
}

ColumnMappingMode MappingWith(const std::vector<std::string>& actions) {
  MemoryLog log;
  log.Put(0, actions);
  auto snapshot = ReadDeltaSnapshot(log);
  EXPECT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  return snapshot.ok() ? snapshot->column_mapping : ColumnMappingMode::kNone;
}

TEST(DeltaLogTest, HonoursTheMappingModeWhereTheProtocolSupportsIt) {
  auto mapped = [](const std::string& mode) {
    return Metadata(R"(,"configuration":{"delta.columnMapping.mode":")" + mode + R"("})");
  };
  EXPECT_EQ(MappingWith({Protocol(2), mapped("name")}), ColumnMappingMode::kName);
  EXPECT_EQ(MappingWith({Protocol(3, R"("columnMapping")"), mapped("id")}), ColumnMappingMode::kId);
  EXPECT_EQ(MappingWith({Protocol(2), mapped("none")}), ColumnMappingMode::kNone);
  EXPECT_EQ(MappingWith({Protocol(2), Metadata()}), ColumnMappingMode::kNone);
  // The property alone, without the protocol's support, is not honoured.
  EXPECT_EQ(MappingWith({Protocol(1), mapped("name")}), ColumnMappingMode::kNone);
  EXPECT_EQ(MappingWith({Protocol(3, R"("deletionVectors")"), mapped("name")}),
            ColumnMappingMode::kNone);
}

TEST(DeltaLogTest, SaysWhatItCannotRead) {
  EXPECT_EQ(
      UnreadableWith({Protocol(3, R"("deletionVectors","timestampNtz","vacuumProtocolCheck")"),
                      Metadata(), Add("a.parquet")}),
      "");
  EXPECT_EQ(UnreadableWith({Protocol(3, R"("timestampNtz","typeWidening")"), Metadata()}), "");
  EXPECT_EQ(UnreadableWith({Protocol(3, R"("timestampNtz","catalogManaged")"), Metadata()}),
            "it uses the reader feature catalogManaged");
  EXPECT_EQ(UnreadableWith({Protocol(4), Metadata()}), "its protocol needs reader version 4");
  EXPECT_EQ(UnreadableWith(
                {Protocol(2), Metadata(R"(,"configuration":{"delta.columnMapping.mode":"name"})")}),
            "");
  EXPECT_EQ(UnreadableWith({Protocol(2), Metadata(R"(,"configuration":{)"
                                                  R"("delta.columnMapping.mode":"hash"})")}),
            "its columns are mapped in a mode Mortar does not read (delta.columnMapping.mode "
            "hash)");
  EXPECT_EQ(UnreadableWith(
                {Protocol(2), Metadata(R"(,"configuration":{"delta.columnMapping.mode":"none"})")}),
            "");
  // A file whose deletion vector is these fields, in a log read without the table's location.
  auto with_vector = [](const std::string& fields) {
    return UnreadableWith({Protocol(3, R"("deletionVectors")"), Metadata(),
                           Add("a.parquet", R"(,"deletionVector":{)" + fields + "}"),
                           Add("b.parquet")});
  };
  EXPECT_EQ(with_vector(R"("storageType":"p","pathOrInlineDv":"s3://b/t/dv.bin","offset":1,)"
                        R"("sizeInBytes":34,"cardinality":2)"),
            "a deletion vector lies outside the table (s3://b/t/dv.bin)");
  EXPECT_EQ(with_vector(R"("storageType":"x","pathOrInlineDv":"ab","sizeInBytes":34,)"
                        R"("cardinality":2)"),
            "a deletion vector is stored in a way Mortar does not read (storage type x)");
  EXPECT_EQ(with_vector(R"("storageType":"u","pathOrInlineDv":"ab","sizeInBytes":34)"),
            "a deletion vector is described in a way Mortar does not read (size 34)");
  // No offset means 0.
  EXPECT_EQ(with_vector(R"("storageType":"u","pathOrInlineDv":"ab","sizeInBytes":34,)"
                        R"("cardinality":2)"),
            "");
  EXPECT_EQ(with_vector(R"("storageType":"u","pathOrInlineDv":"ab","offset":-4,)"
                        R"("sizeInBytes":34,"cardinality":2)"),
            "a deletion vector is described in a way Mortar does not read (size 34)");
  // An offset whose end would overflow.
  EXPECT_EQ(with_vector(R"("storageType":"u","pathOrInlineDv":"ab",)"
                        R"("offset":9223372036854775800,"sizeInBytes":34,"cardinality":2)"),
            "a deletion vector is described in a way Mortar does not read (size 34)");
  EXPECT_EQ(UnreadableWith({Protocol(1), Metadata(), Add("s3://elsewhere/a.parquet")}),
            "a data file lies outside the table (s3://elsewhere/a.parquet)");
  EXPECT_EQ(UnreadableWith({Protocol(1), Metadata(), Add("..%2Fother%2Fa.parquet")}),
            "a data file lies outside the table (../other/a.parquet)");
}

// A writer may name files by their absolute URIs (Delta's shallow clones do, and a table
// converted from Parquet whose partitions had locations of their own): those inside the
// table's location are its files; elsewhere, the table's credentials may not reach them.
TEST(DeltaLogTest, AbsolutePathsInsideTheTableAreItsFiles) {
  const std::string vector =
      R"(,"deletionVector":{"storageType":"p","pathOrInlineDv":)"
      R"("s3a://b/t/ab/deletion_vector_1.bin","offset":1,"sizeInBytes":34,"cardinality":2})";
  MemoryLog log;
  log.Put(0, {Protocol(3, R"("deletionVectors")"), Metadata(), Add("s3://b/t/a%20b.parquet"),
              Add("s3a://b/t/day=1/c.parquet", vector), Add("d.parquet")});
  // Removed by its absolute URI, added by a relative path: the same file.
  log.Put(1, {Remove("s3://b/t/d.parquet"), Add("e.parquet")});
  auto snapshot = ReadDeltaSnapshot(log, "s3://b/t/");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->unreadable, "");
  EXPECT_EQ(Paths(*snapshot),
            (std::vector<std::string>{"a b.parquet", "day=1/c.parquet", "e.parquet"}));
  ASSERT_TRUE(snapshot->files[1].deletion_vector);
  auto vector_path = RelativeVectorPath(*snapshot->files[1].deletion_vector);
  ASSERT_TRUE(vector_path.ok()) << vector_path.status().ToString();
  EXPECT_EQ(*vector_path, "ab/deletion_vector_1.bin");

  // On Azure, abfs:// names the containers of abfss://.
  MemoryLog azure;
  azure.Put(0, {Protocol(1), Metadata(), Add("abfs://c@a.dfs.core.windows.net/x/t/f.parquet")});
  auto on_azure = ReadDeltaSnapshot(azure, "abfss://c@a.dfs.core.windows.net/x/t");
  ASSERT_TRUE(on_azure.ok()) << on_azure.status().ToString();
  EXPECT_EQ(Paths(*on_azure), (std::vector<std::string>{"f.parquet"}));

  // Elsewhere: another table whose name starts alike, another bucket, another scheme,
  // the table's root itself, a way out of it; and any absolute path when the location
  // is not known.
  for (const std::string outside : {"s3://b/t2/f.parquet", "s3://c/t/f.parquet",
                                    "gs://b/t/f.parquet", "s3://b/t/", "s3://b/t/../u/f.parquet"}) {
    MemoryLog other;
    other.Put(0, {Protocol(1), Metadata(), Add(outside)});
    auto refused = ReadDeltaSnapshot(other, "s3://b/t");
    ASSERT_TRUE(refused.ok()) << refused.status().ToString();
    EXPECT_TRUE(refused->unreadable.starts_with("a data file lies outside the table"))
        << outside << ": " << refused->unreadable;
  }
  auto unknown = ReadDeltaSnapshot(log);
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->unreadable,
            "a deletion vector lies outside the table (s3a://b/t/ab/deletion_vector_1.bin)");
}

// As Delta writes a DELETE through a deletion vector: the file added again with the
// vector and removed as it was, in the same commit, the add first.
TEST(DeltaLogTest, AFileKeptWithADeletionVectorIsReadWithIt) {
  constexpr const char* kVector =
      R"(,"deletionVector":{"storageType":"u","pathOrInlineDv":"ab","offset":1,)"
      R"("sizeInBytes":34,"cardinality":2})";
  MemoryLog log;
  log.Put(0, {Protocol(3, R"("deletionVectors")"), Metadata(), Add("a.parquet"), Add("b.parquet")});
  log.Put(1, {Add("a.parquet", kVector), Remove("a.parquet")});
  auto snapshot = ReadDeltaSnapshot(log);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->unreadable, "");
  EXPECT_EQ(Paths(*snapshot), (std::vector<std::string>{"a.parquet", "b.parquet"}));
  ASSERT_TRUE(snapshot->files[0].deletion_vector.has_value());
  const DeletionVectorDescriptor& vector = *snapshot->files[0].deletion_vector;
  EXPECT_EQ(vector.storage_type, 'u');
  EXPECT_EQ(vector.path_or_inline, "ab");
  EXPECT_EQ(vector.offset, std::optional<int64_t>(1));
  EXPECT_EQ(vector.size_in_bytes, 34);
  EXPECT_EQ(vector.cardinality, 2);
  EXPECT_FALSE(snapshot->files[1].deletion_vector.has_value());
  // Rewritten later without the vector (OPTIMIZE, or a purge): readable again.
  std::string removed_with_vector =
      R"({"remove":{"path":"a.parquet","dataChange":false)" + std::string(kVector) + "}}";
  log.Put(2, {removed_with_vector, Add("a2.parquet")});
  snapshot = ReadDeltaSnapshot(log);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(Paths(*snapshot), (std::vector<std::string>{"a2.parquet", "b.parquet"}));
  EXPECT_FALSE(snapshot->files[0].deletion_vector.has_value());
}

}  // namespace
}  // namespace mortar::databricks
