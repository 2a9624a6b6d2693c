#include "recipes/external_sort.h"

#include <arrow/compute/api.h>
#include <arrow/io/file.h>
#include <arrow/ipc/api.h>
#include <arrow/util/byte_size.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <future>
#include <queue>
#include <random>

#include "mortar/core/batch.h"
#include "recipes/prefetched_batches.h"
#include "recipes/spark_sort_indices.h"

namespace mortar::recipes {

namespace cp = arrow::compute;

namespace {

// -1, 0 or 1: two non-null values of one column type, in ascending order.
using CompareValues = int (*)(const arrow::Array&, int64_t, const arrow::Array&, int64_t);

template <typename ArrayType>
int CompareViews(const arrow::Array& a, int64_t i, const arrow::Array& b, int64_t j) {
  auto x = static_cast<const ArrayType&>(a).GetView(i);
  auto y = static_cast<const ArrayType&>(b).GetView(j);
  return x < y ? -1 : (y < x ? 1 : 0);
}

template <typename DecimalArray, typename Decimal>
int CompareDecimals(const arrow::Array& a, int64_t i, const arrow::Array& b, int64_t j) {
  Decimal x(static_cast<const DecimalArray&>(a).GetValue(i));
  Decimal y(static_cast<const DecimalArray&>(b).GetValue(j));
  return x < y ? -1 : (y < x ? 1 : 0);
}

int CompareNothing(const arrow::Array&, int64_t, const arrow::Array&, int64_t) {
  return 0;
}

// The comparison for a column type; null when ExternalSort cannot order it.
CompareValues ValueComparison(const arrow::DataType& type) {
  using arrow::Type;
  switch (type.id()) {
    case Type::NA:
      return CompareNothing;
    case Type::BOOL:
      return CompareViews<arrow::BooleanArray>;
    case Type::INT8:
      return CompareViews<arrow::Int8Array>;
    case Type::INT16:
      return CompareViews<arrow::Int16Array>;
    case Type::INT32:
    case Type::DATE32:
    case Type::TIME32:
    case Type::INTERVAL_MONTHS:
      return CompareViews<arrow::Int32Array>;
    case Type::INT64:
    case Type::DATE64:
    case Type::TIME64:
    case Type::TIMESTAMP:
    case Type::DURATION:
      return CompareViews<arrow::Int64Array>;
    case Type::UINT8:
      return CompareViews<arrow::UInt8Array>;
    case Type::UINT16:
      return CompareViews<arrow::UInt16Array>;
    case Type::UINT32:
      return CompareViews<arrow::UInt32Array>;
    case Type::UINT64:
      return CompareViews<arrow::UInt64Array>;
    case Type::FLOAT:
      return CompareViews<arrow::FloatArray>;
    case Type::DOUBLE:
      return CompareViews<arrow::DoubleArray>;
    case Type::DECIMAL128:
      return CompareDecimals<arrow::Decimal128Array, arrow::Decimal128>;
    case Type::DECIMAL256:
      return CompareDecimals<arrow::Decimal256Array, arrow::Decimal256>;
    case Type::STRING:
    case Type::BINARY:
      return CompareViews<arrow::BinaryArray>;
    case Type::LARGE_STRING:
    case Type::LARGE_BINARY:
      return CompareViews<arrow::LargeBinaryArray>;
    default:
      return nullptr;
  }
}

bool IsNaN(const arrow::Array& array, int64_t i) {
  if (array.type_id() == arrow::Type::DOUBLE)
    return std::isnan(static_cast<const arrow::DoubleArray&>(array).Value(i));
  if (array.type_id() == arrow::Type::FLOAT)
    return std::isnan(static_cast<const arrow::FloatArray&>(array).Value(i));
  return false;
}

// A file readable and writable by this user only, created new.
Result<std::shared_ptr<arrow::io::FileOutputStream>> CreatePrivateFile(
    const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Invalid("cannot create the sort's scratch file " + path.string() + ": " +
                           std::strerror(errno) + "; check the space and rights in that folder");
  }
  auto stream = arrow::io::FileOutputStream::Open(fd);
  if (!stream.ok()) {
    ::close(fd);
    return FromArrowStatus(stream.status());
  }
  return *stream;
}

// A sorted run, read a batch at a time.
class Run {
 public:
  virtual ~Run() = default;
  virtual Result<std::shared_ptr<arrow::RecordBatch>> Next() = 0;
};

// A run still in memory: slices of one sorted batch.
class MemoryRun final : public Run {
 public:
  MemoryRun(std::shared_ptr<arrow::RecordBatch> rows, int64_t batch_rows)
      : rows_(std::move(rows)), batch_rows_(batch_rows) {}
  Result<std::shared_ptr<arrow::RecordBatch>> Next() override {
    if (rows_ == nullptr || offset_ >= rows_->num_rows())
      return std::shared_ptr<arrow::RecordBatch>();
    auto slice = rows_->Slice(offset_, batch_rows_);
    offset_ += slice->num_rows();
    return slice;
  }

 private:
  std::shared_ptr<arrow::RecordBatch> rows_;
  int64_t batch_rows_;
  int64_t offset_ = 0;
};

// A run spilled to an IPC file, its batches read one by one.
class FileRun final : public Run {
 public:
  static Result<std::unique_ptr<Run>> Open(const std::filesystem::path& path) {
    MORTAR_ASSIGN_OR_RETURN(auto file,
                            FromArrowResult(arrow::io::ReadableFile::Open(path.string())));
    MORTAR_ASSIGN_OR_RETURN(auto reader,
                            FromArrowResult(arrow::ipc::RecordBatchFileReader::Open(file)));
    return std::unique_ptr<Run>(new FileRun(std::move(file), std::move(reader)));
  }
  ~FileRun() override { (void)file_->Close(); }
  Result<std::shared_ptr<arrow::RecordBatch>> Next() override {
    if (next_ >= reader_->num_record_batches()) return std::shared_ptr<arrow::RecordBatch>();
    return FromArrowResult(reader_->ReadRecordBatch(next_++));
  }

 private:
  FileRun(std::shared_ptr<arrow::io::ReadableFile> file,
          std::shared_ptr<arrow::ipc::RecordBatchFileReader> reader)
      : file_(std::move(file)), reader_(std::move(reader)) {}
  std::shared_ptr<arrow::io::ReadableFile> file_;
  std::shared_ptr<arrow::ipc::RecordBatchFileReader> reader_;
  int next_ = 0;
};

// The runs merged: a heap of each run's next row, ties to the earlier run. Each output
// batch is taken (one Take) from the slices of the runs' batches its rows came from.
class MergedRuns final : public SortedBatches {
 public:
  MergedRuns(std::vector<std::unique_ptr<Run>> runs, RowOrder order, int64_t batch_rows,
             std::shared_ptr<void> keep_alive)
      : runs_(std::move(runs)),
        order_(std::move(order)),
        batch_rows_(batch_rows),
        keep_alive_(std::move(keep_alive)),
        cursors_(runs_.size()),
        heap_(HeapOrder{this}) {}

  Status Start() {
    for (std::size_t run = 0; run < runs_.size(); ++run) {
      MORTAR_RETURN_IF_ERROR(Advance(run));
    }
    return Status::OK();
  }

  Result<std::shared_ptr<arrow::RecordBatch>> Next() override {
    picks_.clear();
    while (!heap_.empty() && static_cast<int64_t>(picks_.size()) < batch_rows_) {
      std::size_t run = heap_.top();
      heap_.pop();
      Cursor& cursor = cursors_[run];
      picks_.push_back({cursor.segment, cursor.row});
      segments_[cursor.segment].end = cursor.row + 1;
      if (++cursor.row < cursor.batch->num_rows()) {
        heap_.push(run);
      } else {
        MORTAR_RETURN_IF_ERROR(Advance(run));
      }
    }
    if (picks_.empty()) return std::shared_ptr<arrow::RecordBatch>();
    return Assemble();
  }

 private:
  struct Cursor {
    std::shared_ptr<arrow::RecordBatch> batch;
    arrow::ArrayVector columns;  // the batch's
    int64_t row = 0;
    std::size_t segment = 0;
  };
  // The rows of one run's batch that the output batch being made takes from.
  struct Segment {
    std::shared_ptr<arrow::RecordBatch> batch;
    int64_t start = 0;
    int64_t end = 0;
  };
  struct Pick {
    std::size_t segment;
    int64_t row;
  };
  struct HeapOrder {
    const MergedRuns* merge;
    // std::priority_queue puts the largest on top: "a after b" is "a < b" here.
    bool operator()(std::size_t a, std::size_t b) const {
      const Cursor& x = merge->cursors_[a];
      const Cursor& y = merge->cursors_[b];
      int order = merge->order_.Compare(x.columns, x.row, y.columns, y.row);
      return order != 0 ? order > 0 : a > b;
    }
  };

  // The run's next non-empty batch into its cursor (and the heap), if it has one.
  Status Advance(std::size_t run) {
    Cursor& cursor = cursors_[run];
    while (true) {
      MORTAR_ASSIGN_OR_RETURN(cursor.batch, runs_[run]->Next());
      if (cursor.batch == nullptr) return Status::OK();
      if (cursor.batch->num_rows() > 0) break;
    }
    cursor.columns = cursor.batch->columns();
    cursor.row = 0;
    cursor.segment = segments_.size();
    segments_.push_back({cursor.batch, 0, 0});
    heap_.push(run);
    return Status::OK();
  }

  Result<std::shared_ptr<arrow::RecordBatch>> Assemble() {
    std::vector<int64_t> offsets(segments_.size());
    arrow::RecordBatchVector slices;
    int64_t offset = 0;
    for (std::size_t s = 0; s < segments_.size(); ++s) {
      offsets[s] = offset - segments_[s].start;
      int64_t length = segments_[s].end - segments_[s].start;
      if (length > 0) slices.push_back(segments_[s].batch->Slice(segments_[s].start, length));
      offset += length;
    }
    arrow::Int64Builder indices;
    MORTAR_RETURN_IF_ARROW_ERROR(indices.Reserve(static_cast<int64_t>(picks_.size())));
    for (const Pick& pick : picks_) indices.UnsafeAppend(offsets[pick.segment] + pick.row);
    MORTAR_ASSIGN_OR_RETURN(auto take, FromArrowResult(indices.Finish()));
    MORTAR_ASSIGN_OR_RETURN(auto rows, FromArrowResult(arrow::ConcatenateRecordBatches(slices)));
    MORTAR_ASSIGN_OR_RETURN(auto taken, FromArrowResult(cp::Take(arrow::Datum(rows), take)));
    // The next batch starts where each run's cursor stands.
    std::vector<Segment> kept;
    for (Cursor& cursor : cursors_) {
      if (cursor.batch == nullptr || cursor.row >= cursor.batch->num_rows()) continue;
      Segment& segment = segments_[cursor.segment];
      cursor.segment = kept.size();
      kept.push_back({segment.batch, cursor.row, cursor.row});
    }
    segments_ = std::move(kept);
    return taken.record_batch();
  }

  std::vector<std::unique_ptr<Run>> runs_;
  RowOrder order_;
  int64_t batch_rows_;
  std::shared_ptr<void> keep_alive_;  // the spill files, removed after the last read
  std::vector<Cursor> cursors_;
  std::vector<Segment> segments_;
  std::vector<Pick> picks_;
  std::priority_queue<std::size_t, std::vector<std::size_t>, HeapOrder> heap_;
};

// The rows when there is one run: its batches as they are.
class OneRun final : public SortedBatches {
 public:
  OneRun(std::unique_ptr<Run> run, std::shared_ptr<void> keep_alive)
      : run_(std::move(run)), keep_alive_(std::move(keep_alive)) {}
  Result<std::shared_ptr<arrow::RecordBatch>> Next() override { return run_->Next(); }

 private:
  std::unique_ptr<Run> run_;
  std::shared_ptr<void> keep_alive_;
};

// The merge one batch ahead of its reader, on a thread of its own.
class Prefetched final : public SortedBatches {
 public:
  explicit Prefetched(std::unique_ptr<SortedBatches> source)
      : source_(std::move(source)), batches_([this]() { return source_->Next(); }) {}
  Result<std::shared_ptr<arrow::RecordBatch>> Next() override { return batches_.Next(); }

 private:
  std::unique_ptr<SortedBatches> source_;
  PrefetchedBatches batches_;  // after the source: it goes first, waiting for its thread
};

// The runs' files, removed when the sort and its merge are both gone.
struct SpillFiles {
  std::vector<std::filesystem::path> paths;
  ~SpillFiles() {
    std::error_code error;
    for (const auto& path : paths) std::filesystem::remove(path, error);
  }
};

}  // namespace

bool CanSortBy(const arrow::DataType& type) {
  return ValueComparison(type) != nullptr;
}

Result<RowOrder> RowOrder::Make(const arrow::Schema& schema,
                                const std::vector<SortKeyColumn>& keys) {
  std::vector<Key> order;
  for (const auto& key : keys) {
    if (key.column < 0 || key.column >= schema.num_fields())
      return Status::Internal("sort key outside the schema");
    const auto& type = *schema.field(key.column)->type();
    CompareValues compare = ValueComparison(type);
    if (compare == nullptr) {
      return Status::Invalid("cannot sort by column '" + schema.field(key.column)->name() +
                             "' of type " + type.ToString());
    }
    bool floating = type.id() == arrow::Type::DOUBLE || type.id() == arrow::Type::FLOAT;
    order.push_back({key, compare, floating});
  }
  return RowOrder(std::move(order));
}

int RowOrder::Compare(const arrow::ArrayVector& a, int64_t i, const arrow::ArrayVector& b,
                      int64_t j) const {
  for (const Key& key : keys_) {
    const arrow::Array& x = *a[static_cast<std::size_t>(key.key.column)];
    const arrow::Array& y = *b[static_cast<std::size_t>(key.key.column)];
    // Nulls go to the end (or the start) whatever the direction; NaN is above every
    // number, as Spark orders it.
    int last = key.key.nulls_first ? -1 : 1;
    bool x_null = x.IsNull(i), y_null = y.IsNull(j);
    if (x_null || y_null) {
      if (x_null && y_null) continue;
      return x_null ? last : -last;
    }
    int order = 0;
    bool x_nan = key.floating && IsNaN(x, i), y_nan = key.floating && IsNaN(y, j);
    if (x_nan || y_nan) {
      if (x_nan && y_nan) continue;
      order = x_nan ? 1 : -1;
    } else {
      order = key.compare(x, i, y, j);
    }
    if (order != 0) return key.key.descending ? -order : order;
  }
  return 0;
}

struct ExternalSort::State {
  explicit State(RowOrder row_order) : order(std::move(row_order)) {}
  std::shared_ptr<arrow::Schema> schema;
  std::vector<SortKeyColumn> keys;
  std::filesystem::path folder;
  std::string prefix;
  SortBounds bounds;
  RowOrder order;
  arrow::RecordBatchVector held;
  int64_t held_bytes = 0;
  int64_t input_bytes = 0;  // all rows added, for their average width
  int64_t input_rows = 0;
  std::shared_ptr<SpillFiles> spills = std::make_shared<SpillFiles>();
  // The last run being sorted and written, on a thread of its own while the input is
  // read on; waited for before the next (and by the destructor, before the files go).
  std::future<Status> spilling;
  bool finished = false;

  // Batches in order, as one batch; they are let go of as soon as they are copied.
  Result<std::shared_ptr<arrow::RecordBatch>> Sort(arrow::RecordBatchVector batches) const {
    std::shared_ptr<arrow::RecordBatch> rows;
    if (batches.size() == 1) {
      rows = batches.front();
    } else {
      MORTAR_ASSIGN_OR_RETURN(rows, FromArrowResult(arrow::ConcatenateRecordBatches(batches)));
    }
    batches.clear();
    std::vector<cp::SortKey> sort_keys;
    for (const auto& key : keys) {
      sort_keys.emplace_back(
          key.column, key.descending ? cp::SortOrder::Descending : cp::SortOrder::Ascending,
          key.nulls_first ? cp::NullPlacement::AtStart : cp::NullPlacement::AtEnd);
    }
    MORTAR_ASSIGN_OR_RETURN(auto indices, SparkSortIndices(rows, sort_keys));
    auto taken = cp::Take(arrow::Datum(rows), indices);
    rows.reset();
    MORTAR_ASSIGN_OR_RETURN(auto sorted, FromArrowResult(std::move(taken)));
    return sorted.record_batch();
  }

  // How many rows of the input's average width fit `bytes` (1 to batch_rows): batches
  // of wide rows are bounded by their bytes, not by a number of rows.
  int64_t RowsWithin(int64_t bytes) const {
    int64_t row_bytes = std::max<int64_t>(1, input_bytes / std::max<int64_t>(1, input_rows));
    return std::clamp<int64_t>(bytes / row_bytes, 1, bounds.batch_rows);
  }

  // Rows in each batch of a run file: a batch of every run merged at once fills about
  // memory_bytes.
  int64_t RunBatchRows() const {
    return RowsWithin(bounds.memory_bytes / std::max(2, bounds.merge_fan_in));
  }

  // A new run file's path, registered to be removed with the sort whatever happens.
  std::filesystem::path NewRunPath() {
    std::random_device random;
    std::filesystem::path path =
        folder / (prefix + "-" + std::to_string(random()) + "-" + std::to_string(random()) +
                  "-run" + std::to_string(spills->paths.size()) + ".arrow");
    spills->paths.push_back(path);
    return path;
  }

  // Writes `next`'s batches (until it gives null) into a new run file at `path`.
  template <typename Next>
  Status WriteRunFile(const std::filesystem::path& path, Next next) const {
    MORTAR_ASSIGN_OR_RETURN(auto file, CreatePrivateFile(path));
    MORTAR_ASSIGN_OR_RETURN(auto writer, FromArrowResult(arrow::ipc::MakeFileWriter(file, schema)));
    while (true) {
      MORTAR_ASSIGN_OR_RETURN(std::shared_ptr<arrow::RecordBatch> batch, next());
      if (batch == nullptr) break;
      MORTAR_RETURN_IF_ARROW_ERROR(writer->WriteRecordBatch(*batch));
    }
    MORTAR_RETURN_IF_ARROW_ERROR(writer->Close());
    return FromArrowStatus(file->Close());
  }

  Status WriteRun(arrow::RecordBatchVector batches, const std::filesystem::path& path,
                  int64_t batch_rows) const {
    MORTAR_ASSIGN_OR_RETURN(auto rows, Sort(std::move(batches)));
    MemoryRun run(std::move(rows), batch_rows);
    return WriteRunFile(path, [&run]() { return run.Next(); });
  }

  Status WaitForSpill() { return spilling.valid() ? spilling.get() : Status::OK(); }

  // The held rows handed to a thread that sorts them into a run file.
  Status Spill() {
    MORTAR_RETURN_IF_ERROR(WaitForSpill());
    std::filesystem::path path = NewRunPath();
    spilling = std::async(std::launch::async,
                          [this, batches = std::move(held), path, rows = RunBatchRows()]() mutable {
                            return WriteRun(std::move(batches), path, rows);
                          });
    held.clear();
    held_bytes = 0;
    return Status::OK();
  }

  // One pass over the run files: each `merge_fan_in` consecutive runs merged into one,
  // in their place (consecutive, so ties keep the input's order).
  Status MergePass() {
    std::vector<std::filesystem::path> inputs = spills->paths;
    std::vector<std::filesystem::path> outputs;
    std::size_t fan_in = static_cast<std::size_t>(std::max(2, bounds.merge_fan_in));
    for (std::size_t start = 0; start < inputs.size(); start += fan_in) {
      std::size_t end = std::min(inputs.size(), start + fan_in);
      if (end - start == 1) {
        outputs.push_back(inputs[start]);
        continue;
      }
      std::filesystem::path merged = NewRunPath();
      {
        std::vector<std::unique_ptr<Run>> runs;
        for (std::size_t i = start; i < end; ++i) {
          MORTAR_ASSIGN_OR_RETURN(auto run, FileRun::Open(inputs[i]));
          runs.push_back(std::move(run));
        }
        MergedRuns merge(std::move(runs), order, RunBatchRows(), nullptr);
        MORTAR_RETURN_IF_ERROR(merge.Start());
        MORTAR_RETURN_IF_ERROR(WriteRunFile(merged, [&merge]() { return merge.Next(); }));
      }
      for (std::size_t i = start; i < end; ++i) {
        std::error_code error;
        std::filesystem::remove(inputs[i], error);
        std::erase(spills->paths, inputs[i]);
      }
      outputs.push_back(merged);
    }
    spills->paths = std::move(outputs);
    return Status::OK();
  }
};

ExternalSort::ExternalSort(std::unique_ptr<State> state) : state_(std::move(state)) {}
ExternalSort::~ExternalSort() = default;

Result<std::unique_ptr<ExternalSort>> ExternalSort::Make(std::shared_ptr<arrow::Schema> schema,
                                                         std::vector<SortKeyColumn> keys,
                                                         std::filesystem::path folder,
                                                         std::string prefix, SortBounds bounds) {
  MORTAR_RETURN_IF_ERROR(InitializeCompute());
  if (keys.empty()) return Status::Invalid("a sort needs at least one key");
  MORTAR_ASSIGN_OR_RETURN(RowOrder order, RowOrder::Make(*schema, keys));
  auto state = std::make_unique<State>(std::move(order));
  state->schema = std::move(schema);
  state->keys = std::move(keys);
  state->folder = std::move(folder);
  state->prefix = std::move(prefix);
  state->bounds = bounds;
  return std::unique_ptr<ExternalSort>(new ExternalSort(std::move(state)));
}

Status ExternalSort::Add(std::shared_ptr<arrow::RecordBatch> batch) {
  State& state = *state_;
  if (state.finished) return Status::Internal("rows added to a finished sort");
  if (batch == nullptr || batch->num_rows() == 0) return Status::OK();
  if (!batch->schema()->Equals(*state.schema, /*check_metadata=*/false)) {
    // The same columns may come with other nullability or field metadata.
    if (batch->num_columns() != state.schema->num_fields())
      return Status::Internal("a batch of another schema added to a sort");
    for (int i = 0; i < batch->num_columns(); ++i) {
      if (!batch->column(i)->type()->Equals(*state.schema->field(i)->type()))
        return Status::Internal("a batch of another schema added to a sort");
    }
    batch = arrow::RecordBatch::Make(state.schema, batch->num_rows(), batch->columns());
  }
  MORTAR_ASSIGN_OR_RETURN(int64_t bytes,
                          FromArrowResult(arrow::util::ReferencedBufferSize(*batch)));
  state.input_rows += batch->num_rows();
  state.held.push_back(std::move(batch));
  state.held_bytes += bytes;
  state.input_bytes += bytes;
  if (state.held_bytes >= state.bounds.memory_bytes) return state.Spill();
  return Status::OK();
}

int ExternalSort::spilled_runs() const {
  return static_cast<int>(state_->spills->paths.size());
}

Result<std::unique_ptr<SortedBatches>> ExternalSort::Finish() {
  State& state = *state_;
  if (state.finished) return Status::Internal("a sort finished twice");
  state.finished = true;
  // The last rows sort while the last run is still being written.
  std::shared_ptr<arrow::RecordBatch> last_rows;
  if (!state.held.empty()) {
    auto last =
        std::async(std::launch::async, [&state]() { return state.Sort(std::move(state.held)); });
    Status spilled = state.WaitForSpill();
    auto sorted = last.get();
    MORTAR_RETURN_IF_ERROR(spilled);
    MORTAR_ASSIGN_OR_RETURN(last_rows, std::move(sorted));
    state.held.clear();
  } else {
    MORTAR_RETURN_IF_ERROR(state.WaitForSpill());
  }
  // At most merge_fan_in runs (files open, batches held) in the last merge.
  std::size_t in_memory = last_rows ? 1 : 0;
  while (state.spills->paths.size() + in_memory >
         static_cast<std::size_t>(std::max(2, state.bounds.merge_fan_in))) {
    MORTAR_RETURN_IF_ERROR(state.MergePass());
  }
  std::vector<std::unique_ptr<Run>> runs;  // in the input's order, for ties to keep it
  for (const auto& path : state.spills->paths) {
    MORTAR_ASSIGN_OR_RETURN(auto run, FileRun::Open(path));
    runs.push_back(std::move(run));
  }
  // Slices of rows held anyway: their batches need no byte bound of their own.
  if (last_rows) {
    runs.push_back(
        std::make_unique<MemoryRun>(last_rows, state.RowsWithin(state.bounds.memory_bytes)));
  }
  if (runs.size() == 1) {
    return std::unique_ptr<SortedBatches>(
        std::make_unique<OneRun>(std::move(runs.front()), state.spills));
  }
  auto merged = std::make_unique<MergedRuns>(
      std::move(runs), state.order, state.RowsWithin(state.bounds.memory_bytes), state.spills);
  MORTAR_RETURN_IF_ERROR(merged->Start());
  return std::unique_ptr<SortedBatches>(std::make_unique<Prefetched>(std::move(merged)));
}

}  // namespace mortar::recipes
