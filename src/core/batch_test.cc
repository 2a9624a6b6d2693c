#include "mortar/core/batch.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "mortar/core/interrupt.h"

namespace mortar {
namespace {

// In-memory reader: `count` batches of one int64 row each, failing at `fail_at`.
class CountingReader final : public BatchReader {
 public:
  CountingReader(int count, int fail_at, bool interrupt_at_end = false)
      : count_(count), fail_at_(fail_at), interrupt_at_end_(interrupt_at_end) {}
  const Schema& schema() const override { return schema_; }
  Result<Batch> Next() override {
    if (next_ == fail_at_) return Status::Remote("the source went away");
    if (next_ >= count_) {
      // As if Ctrl-C came just as the input ended.
      if (interrupt_at_end_) InterruptRequested() = true;
      return Batch();
    }
    arrow::Int64Builder builder;
    EXPECT_TRUE(builder.Append(next_++).ok());
    return arrow::RecordBatch::Make(schema_.ToArrow(), 1, {builder.Finish().ValueOrDie()});
  }

 private:
  Schema schema_{{{"n", Type::Int64(), true}}};
  int count_;
  int fail_at_;
  bool interrupt_at_end_;
  int next_ = 0;
};

class RecordingWriter final : public BatchWriter {
 public:
  explicit RecordingWriter(int fail_at = -1) : fail_at_(fail_at) {}
  Status Write(const arrow::RecordBatch& batch) override {
    if (rows == fail_at_) return Status::Invalid("the target refused a row");
    rows += static_cast<int>(batch.num_rows());
    return Status::OK();
  }
  Status Commit() override {
    committed = true;
    return Status::OK();
  }
  void Abort() override { aborted = true; }
  int rows = 0;
  bool committed = false;
  bool aborted = false;

 private:
  int fail_at_;
};

TEST(CopyBatchesTest, CopiesEverythingAndCommits) {
  CountingReader reader(1000, -1);
  RecordingWriter writer;
  auto stats = CopyBatches(reader, writer, nullptr);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->rows, 1000);
  EXPECT_EQ(writer.rows, 1000);
  EXPECT_TRUE(writer.committed);
  EXPECT_FALSE(writer.aborted);
}

TEST(CopyBatchesTest, ReaderFailureAbortsTheWriter) {
  CountingReader reader(1000, 500);
  RecordingWriter writer;
  auto stats = CopyBatches(reader, writer, nullptr);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().message(), "the source went away");
  EXPECT_TRUE(writer.aborted);
  EXPECT_FALSE(writer.committed);
}

TEST(CopyBatchesTest, WriterFailureStopsTheReader) {
  CountingReader reader(100000, -1);
  RecordingWriter writer(/*fail_at=*/10);
  auto stats = CopyBatches(reader, writer, nullptr);
  ASSERT_FALSE(stats.ok());
  EXPECT_TRUE(writer.aborted);
  EXPECT_EQ(writer.rows, 10);
}

TEST(CopyBatchesTest, InterruptAfterTheLastBatchCommitsNothing) {
  CountingReader reader(100, -1, /*interrupt_at_end=*/true);
  RecordingWriter writer;
  auto stats = CopyBatches(reader, writer, nullptr);
  InterruptRequested() = false;
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), ErrorCode::kCancelled);
  EXPECT_TRUE(writer.aborted);
  EXPECT_FALSE(writer.committed);
}

TEST(LimitRowsTest, StopsAfterTheLimitWithoutReadingOn) {
  // The source would fail at its 8th batch: a limit of 5 never gets there.
  auto limited = LimitRows(std::make_unique<CountingReader>(100, 7), 5);
  RecordingWriter writer;
  auto stats = CopyBatches(*limited, writer, nullptr);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(writer.rows, 5);
  auto everything = LimitRows(std::make_unique<CountingReader>(3, -1), 10);
  RecordingWriter all;
  ASSERT_TRUE(CopyBatches(*everything, all, nullptr).ok());
  EXPECT_EQ(all.rows, 3);
}

}  // namespace
}  // namespace mortar
