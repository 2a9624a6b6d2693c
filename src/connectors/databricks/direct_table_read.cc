#include "connectors/databricks/direct_table_read.h"

#include <arrow/api.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/cast.h>
#include <arrow/io/interfaces.h>
#include <arrow/util/future.h>
#include <arrow/util/thread_pool.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>
#include <parquet/file_reader.h>
#include <parquet/properties.h>

#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "connectors/databricks/column_mapping.h"
#include "connectors/databricks/deletion_vector.h"
#include "connectors/databricks/delta_log.h"
#include "connectors/databricks/json_fields.h"
#include "connectors/databricks/table_files_store.h"
#include "connectors/vended_store.h"
#include "mortar/config/document.h"
#include "mortar/core/arrow_input.h"
#include "mortar/sql/dialect.h"

namespace mortar::databricks {

namespace {

arrow::Status ToArrow(const Status& status) {
  return status.ok() ? arrow::Status::OK() : arrow::Status::IOError(status.message());
}

// An object of the store as a file Parquet reads from: every read is a ranged GET, so
// reads at different offsets may run at once (Parquet's pre-buffering does that).
class StoreFile final : public arrow::io::RandomAccessFile {
 public:
  StoreFile(std::shared_ptr<TableFilesStore> files, std::string key, int64_t size)
      : files_(std::move(files)), key_(std::move(key)), size_(size) {}

  arrow::Status Close() override {
    closed_ = true;
    return arrow::Status::OK();
  }
  bool closed() const override { return closed_; }
  arrow::Result<int64_t> Tell() const override { return position_; }
  arrow::Status Seek(int64_t position) override {
    if (position < 0 || position > size_) return arrow::Status::IOError("seek outside " + key_);
    position_ = position;
    return arrow::Status::OK();
  }
  arrow::Result<int64_t> GetSize() override { return size_; }

  arrow::Result<int64_t> Read(int64_t nbytes, void* out) override {
    ARROW_ASSIGN_OR_RAISE(int64_t read, ReadAt(position_, nbytes, out));
    position_ += read;
    return read;
  }
  arrow::Result<std::shared_ptr<arrow::Buffer>> Read(int64_t nbytes) override {
    ARROW_ASSIGN_OR_RAISE(auto buffer, ReadAt(position_, nbytes));
    position_ += buffer->size();
    return buffer;
  }
  arrow::Result<int64_t> ReadAt(int64_t position, int64_t nbytes, void* out) override {
    ARROW_ASSIGN_OR_RAISE(auto buffer, ReadAt(position, nbytes));
    std::memcpy(out, buffer->data(), static_cast<std::size_t>(buffer->size()));
    return buffer->size();
  }
  arrow::Result<std::shared_ptr<arrow::Buffer>> ReadAt(int64_t position, int64_t nbytes) override {
    if (position < 0 || nbytes < 0) return arrow::Status::IOError("bad range of " + key_);
    int64_t length = std::min(nbytes, std::max<int64_t>(0, size_ - position));
    if (length == 0) return std::make_shared<arrow::Buffer>(nullptr, 0);
    auto store = files_->Current();
    if (!store.ok()) return ToArrow(store.status());
    auto bytes = (*store)->GetRange(key_, position, length);
    if (!bytes.ok()) return ToArrow(bytes.status());
    if (static_cast<int64_t>(bytes->size()) != length) {
      return arrow::Status::IOError(key_ + ": asked " + std::to_string(length) + " bytes at " +
                                    std::to_string(position) + ", got " +
                                    std::to_string(bytes->size()));
    }
    return arrow::Buffer::FromString(std::move(*bytes));
  }

 private:
  std::shared_ptr<TableFilesStore> files_;
  std::string key_;
  int64_t size_;
  int64_t position_ = 0;
  bool closed_ = false;
};

// `read()` (a Result) run on Arrow's I/O threads; a pool that refuses it fails the future.
template <typename Read>
auto OnIoThreads(Read read) -> arrow::Future<decltype(read())> {
  auto submitted = arrow::io::default_io_context().executor()->Submit(std::move(read));
  if (submitted.ok()) return std::move(*submitted);
  return arrow::Future<decltype(read())>::MakeFinished(
      decltype(read())(FromArrowStatus(submitted.status())));
}

// The table's log in the store.
// More than `_last_checkpoint` ever holds (a version, sizes, a checksum, a schema at most).
constexpr int64_t kMaxLastCheckpointBytes = 1 << 20;
// Commits are read whole; one larger is refused (a commit is metadata, not table data).
constexpr int64_t kMaxLogFileBytes = 512LL << 20;
// Commits read ahead of the one being applied, at once on Arrow's I/O threads, while
// they hold under this many bytes together.
constexpr std::size_t kLogReadsAhead = 8;
constexpr int64_t kLogBytesAhead = 64 << 20;
// The log's first listing, asked for beside `_last_checkpoint`: one page of S3's.
constexpr std::size_t kFirstListing = 1000;

class StoreLog final : public DeltaLogFiles {
 public:
  StoreLog(std::shared_ptr<TableFilesStore> files, std::string folder)
      : files_(std::move(files)), folder_(std::move(folder)) {}

  Result<std::vector<std::string>> List(const std::string& start_after) override {
    const std::string from = start_after.empty() ? "" : folder_ + start_after;
    MORTAR_ASSIGN_OR_RETURN(auto files, FirstPageFrom(from));
    if (!files) {
      MORTAR_ASSIGN_OR_RETURN(auto store, files_->Current());
      MORTAR_ASSIGN_OR_RETURN(files, store->ListAfter(folder_, from));
    }
    std::vector<std::string> names;
    for (const auto& file : *files) {
      if (!file.path.starts_with(folder_)) continue;
      std::string relative = file.path.substr(folder_.size());
      sizes_[relative] = file.size;  // a v2 checkpoint's "_sidecars/<name>" too
      if (relative.find('/') != std::string::npos) continue;  // in a folder below
      names.push_back(std::move(relative));
    }
    return names;
  }
  std::optional<std::string> LastCheckpoint() override {
    // The log's first page is asked for meanwhile: most logs fit in it whole, so the
    // listing that follows the hint is then in hand a round trip sooner.
    first_page_ = OnIoThreads([files = files_, folder = folder_]() -> Result<ObjectPage> {
      MORTAR_ASSIGN_OR_RETURN(auto store, files->Current());
      return store->ListFirst(folder, kFirstListing);
    });
    // A few hundred bytes of JSON: one ranged read, whatever its size; any failure means
    // no hint (the listing that follows says what is wrong with the store, if anything).
    auto store = files_->Current();
    if (!store.ok()) return std::nullopt;
    auto text = (*store)->GetRange(folder_ + "_last_checkpoint", 0, kMaxLastCheckpointBytes);
    if (!text.ok()) return std::nullopt;
    return std::move(*text);
  }
  // A checkpoint's parts that the snapshot reads, fetched in ranged reads as Parquet
  // asks for them.
  Result<std::shared_ptr<arrow::io::RandomAccessFile>> Open(const std::string& name) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t size, SizeOf(name));
    std::shared_ptr<arrow::io::RandomAccessFile> file =
        std::make_shared<StoreFile>(files_, folder_ + name, size);
    return file;
  }
  Result<std::string> Read(const std::string& name) override {
    if (auto ahead = reading_.find(name); ahead != reading_.end()) {
      LogRead read = std::move(ahead->second);
      reading_.erase(ahead);
      bytes_reading_ -= read.bytes;
      ReadAhead();
      auto text = read.text.MoveResult();
      if (!text.ok()) return FromArrowStatus(text.status());
      return std::move(*text);
    }
    MORTAR_ASSIGN_OR_RETURN(int64_t size, SizeOf(name));
    if (size > kMaxLogFileBytes) {
      return Status::Invalid("Delta log file " + name + " is larger than 512 MiB");
    }
    return ReadWhole(*files_, folder_ + name, size);
  }
  // The commits to apply, in order: read several at once, each Read takes its own.
  void WillRead(const std::vector<std::string>& names) override {
    upcoming_.assign(names.begin(), names.end());
    ReadAhead();
  }

 private:
  struct LogRead {
    arrow::Future<Result<std::string>> text;
    int64_t bytes = 0;
  };

  static Result<std::string> ReadWhole(TableFilesStore& files, const std::string& key,
                                       int64_t size) {
    MORTAR_ASSIGN_OR_RETURN(auto store, files.Current());
    return store->GetRange(key, 0, size);
  }

  using LogFiles = std::optional<std::vector<StoredFile>>;
  // The log's files from the first page asked for beside the hint, listed on after it
  // when more follow; nullopt when there is none, it failed (the listing asked for
  // instead says why) or it ends before `from`, where the listing must start.
  Result<LogFiles> FirstPageFrom(const std::string& from) {
    if (!first_page_.is_valid()) return LogFiles();
    auto taken = std::exchange(first_page_, {}).MoveResult();
    if (!taken.ok() || !taken->ok()) return LogFiles();
    ObjectPage page = std::move(**taken);
    if (!page.truncated) return LogFiles(std::move(page.objects));
    if (page.objects.empty() || page.objects.back().path < from) return LogFiles();
    MORTAR_ASSIGN_OR_RETURN(auto store, files_->Current());
    MORTAR_ASSIGN_OR_RETURN(auto rest, store->ListAfter(folder_, page.objects.back().path));
    page.objects.insert(page.objects.end(), std::make_move_iterator(rest.begin()),
                        std::make_move_iterator(rest.end()));
    return LogFiles(std::move(page.objects));
  }

  Result<int64_t> SizeOf(const std::string& name) const {
    auto size = sizes_.find(name);
    if (size == sizes_.end()) return Status::NotFound("no Delta log file " + name);
    return size->second;
  }

  // Starts reading the next upcoming files while few enough are being read. One this
  // cannot read ahead (unknown, too large) is left to Read, which says why.
  void ReadAhead() {
    while (!upcoming_.empty() && reading_.size() < kLogReadsAhead) {
      const std::string& name = upcoming_.front();
      auto size = SizeOf(name);
      if (!size.ok() || *size > kMaxLogFileBytes || reading_.contains(name)) {
        upcoming_.pop_front();
        continue;
      }
      if (!reading_.empty() && bytes_reading_ + *size > kLogBytesAhead) break;
      reading_.emplace(name,
                       LogRead{OnIoThreads([files = files_, key = folder_ + name, bytes = *size]() {
                                 return ReadWhole(*files, key, bytes);
                               }),
                               *size});
      bytes_reading_ += *size;
      upcoming_.pop_front();
    }
  }

  std::shared_ptr<TableFilesStore> files_;
  std::string folder_;
  std::map<std::string, int64_t> sizes_;
  arrow::Future<Result<ObjectPage>> first_page_;  // asked for beside the hint
  std::deque<std::string> upcoming_;              // to read ahead, in order
  std::map<std::string, LogRead> reading_;        // read ahead, not yet taken
  int64_t bytes_reading_ = 0;
};

// Why the table's column cannot be read as the dataset's, if it cannot: its type as the
// warehouse would describe it (the dataset's types come from there; a type Mortar does
// not know is text) is another.
std::optional<std::string> TypeMismatch(const DeltaField& field, const Column& column) {
  auto text = SparkTypeText(field);
  if (text && sql::DatabricksDialect().DescribedType(*text) == column.type) return std::nullopt;
  return "column " + column.name + " is " + (text ? *text : field.type) +
         " in the table's Delta schema, " + column.type.ToString() + " in the dataset";
}

// The leaf columns of a top-level field, as Parquet numbers them.
void Leaves(const parquet::arrow::SchemaField& field, std::vector<int>& out) {
  if (field.children.empty()) {
    out.push_back(field.column_index);
    return;
  }
  for (const auto& child : field.children) Leaves(child, out);
}

// A wanted column that the file does not hold: its partition value, or null.
constexpr int kNotInFile = -1;

// Row groups held ahead beyond `row_groups_ahead` while they are small: a table written
// a file per streamed batch costs a round trip per file, not bytes, so several are
// fetched at once; what is held ahead stays under this many compressed bytes, and count.
constexpr int64_t kSmallRowGroupsBytesAhead = 16 << 20;
constexpr std::size_t kMostRowGroupsAhead = 16;

// Arrow's I/O threads, which make every read of a table's files: what is read ahead at
// once (footers, small row groups, deletion vectors, commits) waits on round trips, not
// on the CPU, and Arrow's default 8 left half of it queued on a table of many small
// files. A user's ARROW_IO_THREADS is kept; the pool never shrinks here.
constexpr int kIoThreads = 16;
// Footers read ahead, at once on those threads (a ranged GET of 64 KiB each): as many
// as the threads, so none is idle while files' row groups wait for their footers.
constexpr std::size_t kFootersAhead = kIoThreads;

void EnsureIoThreads() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (std::getenv("ARROW_IO_THREADS") != nullptr) return;
    if (arrow::io::GetIOThreadPoolCapacity() < kIoThreads) {
      (void)arrow::io::SetIOThreadPoolCapacity(kIoThreads);  // refused only at shutdown
    }
  });
}

using Footer = arrow::Future<std::shared_ptr<parquet::FileMetaData>>;
// Null: the file has no deleted rows. (A mortar Result inside, so its status stays whole.)
using DeletedRowsRead = arrow::Future<Result<std::shared_ptr<const DeletedRows>>>;

// The rows deleted from a data file, from its deletion vector: inline in the log, or a
// ranged read of the table's vector file.
Result<std::shared_ptr<const DeletedRows>> ReadDeletedRows(TableFilesStore& files,
                                                           const std::string& prefix,
                                                           const DeltaDataFile& file) {
  const DeletionVectorDescriptor& vector = *file.deletion_vector;
  std::string bitmap;
  if (vector.storage_type == 'i') {
    MORTAR_ASSIGN_OR_RETURN(bitmap, InlineBitmap(vector));
  } else {
    MORTAR_ASSIGN_OR_RETURN(std::string relative, RelativeVectorPath(vector));
    MORTAR_ASSIGN_OR_RETURN(auto store, files.Current());
    MORTAR_ASSIGN_OR_RETURN(
        std::string stored,
        store->GetRange(prefix + relative, vector.offset.value_or(0), vector.size_in_bytes + 8));
    MORTAR_ASSIGN_OR_RETURN(bitmap, BitmapInVectorFile(stored, vector.size_in_bytes, file.path));
  }
  MORTAR_ASSIGN_OR_RETURN(DeletedRows rows,
                          DeletedRows::Parse(bitmap, vector.cardinality, file.path));
  return std::make_shared<const DeletedRows>(std::move(rows));
}

// One row group of one file, its column chunks fetched ahead while earlier ones decode.
struct Unit {
  std::size_t file = 0;
  int row_group = 0;
  int64_t bytes = 0;  // compressed, as the footer says
  std::unique_ptr<parquet::arrow::FileReader> parquet;
  std::vector<int> leaves;  // the Parquet columns read
  // Made when the row group is read: making it waits for the chunks to arrive.
  std::unique_ptr<arrow::RecordBatchReader> batches;
  // The file's top-level field of each wanted column, or kNotInFile, and its name there.
  std::vector<int> fields;
  std::vector<std::string> names;
  // For each wanted column the file does not hold: its value in every row (the file's
  // partition value; null for a column added after the file was written).
  std::vector<std::shared_ptr<arrow::Scalar>> constants;
  // The rows deleted from the file (null: none; read with the row group's chunks), and
  // the file's index of the next row the row group's reader gives.
  DeletedRowsRead deleted_read;
  std::shared_ptr<const DeletedRows> deleted;
  int64_t next_row = 0;
};

class DirectTableReader final : public BatchReader {
 public:
  // `columns`: the table's Delta field of each of `schema`'s columns; `partition`:
  // whether each is a partition column (its values in the log, not in the files).
  DirectTableReader(std::shared_ptr<TableFilesStore> store, std::string prefix,
                    std::vector<DeltaDataFile> files, std::vector<bool> partition,
                    ColumnMappingMode mapping, std::vector<DeltaField> columns, Schema schema,
                    int row_groups_ahead)
      : store_(std::move(store)),
        prefix_(std::move(prefix)),
        files_(std::move(files)),
        partition_(std::move(partition)),
        mapping_(mapping),
        columns_(std::move(columns)),
        schema_(std::move(schema)),
        arrow_schema_(schema_.ToArrow()),
        row_groups_ahead_(std::max(1, row_groups_ahead)) {}

  const Schema& schema() const override { return schema_; }

  // Converts the partition values of every file, each distinct one once: a value that
  // does not convert to its column's type fails here, before any row is read.
  Status ConvertPartitionValues() {
    partition_values_.assign(schema_.size(), {});
    for (std::size_t i = 0; i < schema_.size(); ++i) {
      if (!partition_[i]) continue;
      const std::string& name = schema_[i].name;
      const auto& target = arrow_schema_->field(static_cast<int>(i))->type();
      for (const auto& file : files_) {
        auto value = file.partition_values.find(columns_[i].physical_name);
        if (value == file.partition_values.end() || !value->second ||
            partition_values_[i].contains(*value->second))
          continue;
        auto cast = arrow::compute::Cast(arrow::Datum(*value->second), target);
        if (!cast.ok()) {
          bool zoneless = columns_[i].type == "timestamp" &&
                          arrow::compute::Cast(arrow::Datum(*value->second),
                                               arrow::timestamp(arrow::TimeUnit::MICRO))
                              .ok();
          std::string why =
              zoneless
                  ? "has no time zone (an older Delta writer's, which Databricks "
                    "reads in the session's zone)"
                  : "is not a " + schema_[i].type.ToString() + " (" + cast.status().message() + ")";
          return Status::Invalid("its partition value " + name + "=" + *value->second + " " + why);
        }
        partition_values_[i].emplace(*value->second, cast->scalar());
      }
    }
    return Status::OK();
  }

  // Fills the queue of row groups fetched ahead: `row_groups_ahead` of them, and more
  // while they are small and their footers are in (not waited for: a batch is ready).
  Status FetchAhead() {
    while (next_file_ < files_.size()) {
      const bool wanted = static_cast<int>(ahead_.size()) < row_groups_ahead_;
      if (!wanted && ahead_.size() >= kMostRowGroupsAhead) break;
      ReadFootersAhead();
      const Footer& footer = footers_.front();  // of next_file_
      if (!wanted && !(footer.is_finished() && footer.status().ok())) break;
      const auto& read = footer.result();
      if (!read.ok()) return Status::Remote(FileFailed(next_file_, read.status().message()));
      const std::shared_ptr<parquet::FileMetaData>& metadata = *read;
      if (next_row_group_ >= metadata->num_row_groups()) {  // a file without row groups
        NextFile();
        continue;
      }
      int64_t bytes = metadata->RowGroup(next_row_group_)->total_compressed_size();
      if (!wanted && bytes_ahead_ + bytes > kSmallRowGroupsBytesAhead) break;
      MORTAR_ASSIGN_OR_RETURN(Unit unit, OpenUnit(next_file_, next_row_group_, metadata));
      unit.bytes = bytes;
      bytes_ahead_ += bytes;
      ahead_.push_back(std::move(unit));
      if (++next_row_group_ >= metadata->num_row_groups()) NextFile();
    }
    return Status::OK();
  }

  // Fetches the first row groups and starts reading the first: a file that cannot be
  // read is found before any row is handed over.
  Status Prepare() {
    MORTAR_RETURN_IF_ERROR(FetchAhead());
    return ahead_.empty() ? Status::OK() : StartReading(ahead_.front());
  }

  Result<Batch> Next() override {
    while (true) {
      MORTAR_RETURN_IF_ERROR(FetchAhead());
      if (ahead_.empty()) return Batch();
      Unit& unit = ahead_.front();
      MORTAR_RETURN_IF_ERROR(StartReading(unit));
      std::shared_ptr<arrow::RecordBatch> batch;
      auto read = unit.batches->ReadNext(&batch);
      if (!read.ok()) return Failed(unit, read.message());
      if (batch == nullptr) {
        bytes_ahead_ -= unit.bytes;
        ahead_.pop_front();
        continue;
      }
      if (unit.deleted) {
        MORTAR_ASSIGN_OR_RETURN(batch, WithoutDeletedRows(unit, std::move(batch)));
      }
      if (batch->num_rows() == 0) continue;
      return Conform(unit, *batch);
    }
  }

 private:
  std::string FileFailed(std::size_t file_index, const std::string& message) const {
    return "reading " + files_[file_index].path + " of the table directly: " + message;
  }
  Status Failed(const Unit& unit, const std::string& message) const {
    return Status::Remote(FileFailed(unit.file, message));
  }

  std::shared_ptr<StoreFile> InputOf(std::size_t file_index) const {
    const DeltaDataFile& file = files_[file_index];
    return std::make_shared<StoreFile>(store_, prefix_ + file.path, file.size);
  }

  // Starts reading the footers of the files after those read ahead, up to kFootersAhead
  // files from the next one to open.
  void ReadFootersAhead() {
    while (footers_.size() < kFootersAhead && next_file_ + footers_.size() < files_.size()) {
      footers_.push_back(parquet::ParquetFileReader::OpenAsync(
                             InputOf(next_file_ + footers_.size()), ReaderProperties())
                             .Then([](const std::unique_ptr<parquet::ParquetFileReader>& reader) {
                               return reader->metadata();
                             }));
    }
  }

  void NextFile() {
    ++next_file_;
    next_row_group_ = 0;
    footers_.pop_front();
  }

  static parquet::ReaderProperties ReaderProperties() {
    return parquet::ReaderProperties(arrow::default_memory_pool());
  }

  // The batch without the rows the file's deletion vector holds.
  Result<std::shared_ptr<arrow::RecordBatch>> WithoutDeletedRows(
      Unit& unit, std::shared_ptr<arrow::RecordBatch> batch) {
    const int64_t first = unit.next_row;
    const int64_t rows = batch->num_rows();
    unit.next_row += rows;
    arrow::BooleanBuilder keep;
    MORTAR_RETURN_IF_ARROW_ERROR(keep.Reserve(rows));
    int64_t deleted = 0;
    for (int64_t row = 0; row < rows; ++row) {
      bool gone = unit.deleted->Contains(static_cast<uint64_t>(first + row));
      deleted += gone;
      keep.UnsafeAppend(!gone);
    }
    if (deleted == 0) return batch;
    std::shared_ptr<arrow::Array> mask;
    MORTAR_RETURN_IF_ARROW_ERROR(keep.Finish(&mask));
    auto kept = arrow::compute::Filter(batch, mask);
    if (!kept.ok()) return Failed(unit, kept.status().message());
    return kept->record_batch();
  }

  // The rows deleted from the file, read once for all its row groups, on Arrow's I/O
  // threads while earlier row groups decode.
  DeletedRowsRead DeletedRowsOf(std::size_t file_index) {
    const DeltaDataFile& file = files_[file_index];
    if (!file.deletion_vector || file.deletion_vector->cardinality == 0) {
      return DeletedRowsRead::MakeFinished(std::shared_ptr<const DeletedRows>());
    }
    if (deleted_file_ == file_index && deleted_.is_valid()) return deleted_;
    deleted_file_ = file_index;
    deleted_ = OnIoThreads([files = store_, prefix = prefix_, file]() {
      return ReadDeletedRows(*files, prefix, file);
    });
    return deleted_;
  }

  Result<Unit> OpenUnit(std::size_t file_index, int row_group,
                        const std::shared_ptr<parquet::FileMetaData>& metadata) {
    const DeltaDataFile& file = files_[file_index];
    parquet::ArrowReaderProperties arrow_properties;
    arrow_properties.set_pre_buffer(false);  // done here, not when the batch reader is made
    arrow_properties.set_batch_size(kDefaultBatchRows);
    // Spark writes TIMESTAMP as INT96 unless told otherwise: microseconds, as Spark keeps them.
    arrow_properties.set_coerce_int96_timestamp_unit(arrow::TimeUnit::MICRO);
    arrow_properties.set_cache_options(arrow::io::CacheOptions::Defaults());
    parquet::arrow::FileReaderBuilder builder;
    Unit unit;
    unit.file = file_index;
    unit.row_group = row_group;
    auto opened = builder.Open(InputOf(file_index), ReaderProperties(), metadata);
    if (!opened.ok()) return Failed(unit, opened.message());
    auto built =
        builder.memory_pool(arrow::default_memory_pool())->properties(arrow_properties)->Build();
    if (!built.ok()) return Failed(unit, built.status().message());
    unit.parquet = std::move(*built);
    const auto& manifest = unit.parquet->manifest();
    std::vector<int>& leaves = unit.leaves;
    for (std::size_t i = 0; i < schema_.size(); ++i) {
      const auto& target = arrow_schema_->field(static_cast<int>(i))->type();
      int found = kNotInFile;
      std::string found_name;
      std::shared_ptr<arrow::Scalar> constant = arrow::MakeNullScalar(target);
      if (partition_[i]) {
        auto value = file.partition_values.find(columns_[i].physical_name);
        if (value != file.partition_values.end() && value->second) {
          constant = partition_values_[i].at(*value->second);  // converted at the start
        }
      } else {
        for (std::size_t f = 0; f < manifest.schema_fields.size(); ++f) {
          const arrow::Field& held = *manifest.schema_fields[f].field;
          if (FileFieldHolds(held, columns_[i], mapping_)) {
            found = static_cast<int>(f);
            found_name = held.name();
          }
        }
      }
      unit.fields.push_back(found);
      unit.names.push_back(std::move(found_name));
      unit.constants.push_back(std::move(constant));
      if (found >= 0) Leaves(manifest.schema_fields[static_cast<std::size_t>(found)], leaves);
    }
    std::sort(leaves.begin(), leaves.end());
    unit.deleted_read = DeletedRowsOf(file_index);
    for (int earlier = 0; earlier < row_group; ++earlier) {
      unit.next_row += metadata->RowGroup(earlier)->num_rows();
    }
    // The chosen columns' chunks, in few ranged reads on Arrow's I/O threads.
    try {
      unit.parquet->parquet_reader()->PreBuffer({row_group}, leaves, arrow_properties.io_context(),
                                                arrow_properties.cache_options());
    } catch (const std::exception& error) {
      return Failed(unit, error.what());
    }
    return unit;
  }

  Status StartReading(Unit& unit) {
    if (unit.batches) return Status::OK();
    const auto& deleted = unit.deleted_read.result();
    if (!deleted.ok()) return FromArrowStatus(deleted.status());
    MORTAR_ASSIGN_OR_RETURN(unit.deleted, *deleted);
    auto batches = unit.parquet->GetRecordBatchReader({unit.row_group}, unit.leaves);
    if (!batches.ok()) return Failed(unit, batches.status().message());
    unit.batches = std::move(*batches);
    return Status::OK();
  }

  // The batch with the dataset's columns, in its order and types; columns the file
  // lacks are its partition values, or null (added to the table after it was written).
  Result<Batch> Conform(const Unit& unit, const arrow::RecordBatch& batch) {
    MORTAR_RETURN_IF_ERROR(ValidateArrowInput(batch, "the Parquet file " + files_[unit.file].path));
    std::vector<std::shared_ptr<arrow::Array>> columns;
    columns.reserve(schema_.size());
    for (std::size_t i = 0; i < schema_.size(); ++i) {
      const auto& target = arrow_schema_->field(static_cast<int>(i))->type();
      std::shared_ptr<arrow::Array> column;
      if (unit.fields[i] >= 0) column = batch.GetColumnByName(unit.names[i]);
      if (column == nullptr) {
        MORTAR_ASSIGN_OR_RETURN(column, FromArrowResult(arrow::MakeArrayFromScalar(
                                            *unit.constants[i], batch.num_rows())));
        columns.push_back(std::move(column));
        continue;
      }
      // A mapped table's nested fields are named as the table names them (the same
      // layout: no copy).
      if (auto logical = WithLogicalNames(column->type(), columns_[i], mapping_);
          logical != column->type()) {
        auto viewed = column->View(logical);
        if (!viewed.ok()) return Failed(unit, viewed.status().message());
        column = std::move(*viewed);
      }
      if (!column->type()->Equals(*target)) {
        auto cast = arrow::compute::Cast(*column, target);
        if (!cast.ok()) {
          return Failed(unit, "column " + schema_[i].name + " is " + column->type()->ToString() +
                                  " in the file, which does not convert to " +
                                  schema_[i].type.ToString() + ": " + cast.status().message());
        }
        column = std::move(*cast);
      }
      columns.push_back(std::move(column));
    }
    return arrow::RecordBatch::Make(arrow_schema_, batch.num_rows(), std::move(columns));
  }

  std::shared_ptr<TableFilesStore> store_;
  std::string prefix_;
  std::vector<DeltaDataFile> files_;
  std::vector<bool> partition_;
  // For each column, each partition value the files have (as the log writes it), converted.
  std::vector<std::map<std::string, std::shared_ptr<arrow::Scalar>>> partition_values_;
  ColumnMappingMode mapping_;
  std::vector<DeltaField> columns_;
  Schema schema_;
  std::shared_ptr<arrow::Schema> arrow_schema_;
  int row_groups_ahead_;
  std::deque<Unit> ahead_;
  int64_t bytes_ahead_ = 0;  // of ahead_'s row groups
  std::size_t next_file_ = 0;
  int next_row_group_ = 0;
  std::deque<Footer> footers_;    // of next_file_ and the files after it
  std::size_t deleted_file_ = 0;  // whose deleted rows deleted_ holds
  DeletedRowsRead deleted_;
};

// Partition values are text in the log; these types convert from it exactly as Delta
// writes them (TIMESTAMP in UTC, with its zone: a value without one is refused). A
// BINARY value is its bytes read as UTF-8, as Spark writes it (X'41C3A9' is "Aé") and
// reads it back; bytes that are not UTF-8 cannot be a partition value at all (Spark
// fails the write), and an empty one is null, as for every type.
bool PartitionTypeRead(const std::string& type) {
  static const std::set<std::string> kRead = {"string", "long",      "integer",       "short",
                                              "byte",   "boolean",   "date",          "double",
                                              "float",  "timestamp", "timestamp_ntz", "binary"};
  return kRead.contains(type) || type.starts_with("decimal");
}

}  // namespace

Result<DirectRead> OpenDirectRead(const VendedTable& table, const Schema& schema,
                                  const DirectReadOptions& options) {
  MORTAR_RETURN_IF_ERROR(InitializeCompute());
  EnsureIoThreads();
  auto fallback = [](std::string why) { return DirectRead{nullptr, std::move(why)}; };
  VendedLocation where{options.connection_name, "", options.storage_endpoint, options.region,
                       options.ca_file};
  where.azure_endpoint = options.azure_endpoint;
  auto open = [where](const VendedCredentials& credentials) {
    VendedLocation location = where;
    location.url = credentials.storage_location;
    location.access_key_id = credentials.access_key_id;
    location.secret_access_key = credentials.secret_access_key;
    location.session_token = credentials.session_token;
    location.azure_sas_token = credentials.azure_sas_token;
    return OpenVendedStore(location);
  };
  auto store = TableFilesStore::Make(options.table_name, table.credentials, open, options.renew,
                                     options.renew_before, http::SystemClock());
  if (!store.ok()) return fallback(store.status().message());
  // s3://bucket/path or abfss://container@account.../path: keys start with path/.
  auto url = SplitStorageUrl(table.credentials.storage_location);
  if (!url.ok()) return fallback(url.status().message());
  const std::string& prefix = url->prefix;
  StoreLog log(*store, prefix + "_delta_log/");
  auto snapshot = ReadDeltaSnapshot(log, table.credentials.storage_location);
  if (!snapshot.ok())
    return fallback("its Delta log could not be read: " + snapshot.status().message());
  if (!snapshot->unreadable.empty()) return fallback(snapshot->unreadable);
  auto fields = ParseDeltaSchema(snapshot->schema_string);
  if (!fields.ok()) return fallback(fields.status().message());
  std::vector<DeltaField> columns;
  std::vector<bool> partition_columns;
  bool reads_a_file_column = false;
  for (const auto& column : schema.columns()) {
    auto field = std::find_if(fields->begin(), fields->end(),
                              [&](const DeltaField& f) { return f.name == column.name; });
    if (field == fields->end()) {
      return fallback("the table's Delta schema has no column " + column.name);
    }
    if (auto mismatch = TypeMismatch(*field, column)) return fallback(*mismatch);
    const auto& partitions = snapshot->partition_columns;
    bool partition =
        std::find(partitions.begin(), partitions.end(), column.name) != partitions.end();
    if (partition && !PartitionTypeRead(field->type)) {
      return fallback("it is partitioned by " + column.name + ", a " + field->type + " column");
    }
    reads_a_file_column = reads_a_file_column || !partition;
    columns.push_back(*field);
    partition_columns.push_back(partition);
  }
  if (!reads_a_file_column) return fallback("only partition columns are asked for");
  auto reader = std::make_unique<DirectTableReader>(
      *store, prefix, std::move(snapshot->files), std::move(partition_columns),
      snapshot->column_mapping, std::move(columns), schema, options.row_groups_ahead);
  if (auto converted = reader->ConvertPartitionValues(); !converted.ok())
    return fallback(converted.message());
  // A file that cannot be read is found before any row is handed over, while the
  // warehouse can still serve the read.
  if (auto prepared = reader->Prepare(); !prepared.ok()) return fallback(prepared.message());
  return DirectRead{std::move(reader), ""};
}

}  // namespace mortar::databricks
