#include "mortar/flow/job_record.h"

#include <gtest/gtest.h>

#include "testing/temp_home.h"

namespace mortar {
namespace {

TEST(JobRecordTest, AJobIsRunningWhileItsProcessLivesAndEndsWithItsStatus) {
  testing::TempHome temp;
  auto log = JobLog::Create(temp.home().JobsDir(), "orders", false);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  auto record = RecordJobStart(**log, "orders", "shop", "alice");
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_FALSE(record->process_start.empty());

  // This process runs it: it is running, and the only job listed.
  auto listed = ListJobRecords(temp.home().JobsDir());
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].state, "running");
  EXPECT_EQ((*listed)[0].project, "shop");

  Status cancelled = Status::Cancelled("interrupted");
  Status returned = RecordJobEnd(**log, *record, cancelled);
  EXPECT_EQ(returned.code(), ErrorCode::kCancelled);
  auto read = ReadJobRecord(temp.home().JobsDir(), (*log)->id());
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->state, "cancelled");
  EXPECT_EQ(read->error, "interrupted");
  EXPECT_FALSE(read->finished.empty());
  // A job that is not running is not signalled.
  Status again = InterruptJob(*read);
  EXPECT_EQ(again.code(), ErrorCode::kConflict) << again.ToString();
}

TEST(JobRecordTest, ARecordWhoseProcessIsGoneHasEndedAndIsNeverSignalled) {
  testing::TempHome temp;
  auto log = JobLog::Create(temp.home().JobsDir(), "orders", false);
  ASSERT_TRUE(log.ok());
  auto record = RecordJobStart(**log, "orders", "shop", "alice");
  ASSERT_TRUE(record.ok());
  // Another process now has this pid (another start time): the job's process is gone.
  auto stored = config::ReadJsonFile((*log)->path().parent_path() / "job.json");
  ASSERT_TRUE(stored.ok());
  (*stored)["process_start"] = "1";
  ASSERT_TRUE(config::WriteJsonFile((*log)->path().parent_path() / "job.json", *stored).ok());
  auto read = ReadJobRecord(temp.home().JobsDir(), (*log)->id());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->state, "ended");
  // Even a record still saying "running" is not signalled: this test's process would be.
  JobRecord forged = *read;
  forged.state = "running";
  EXPECT_EQ(InterruptJob(forged).code(), ErrorCode::kConflict);
}

TEST(JobRecordTest, IdsThatLeaveTheJobsFolderAreRefused) {
  testing::TempHome temp;
  for (const char* id : {"..", "../projects", "a/b", ".hidden", ""}) {
    auto read = ReadJobRecord(temp.home().JobsDir(), id);
    ASSERT_FALSE(read.ok()) << id;
    EXPECT_EQ(read.status().code(), ErrorCode::kInvalidInput) << id;
  }
  auto missing = ReadJobRecord(temp.home().JobsDir(), "20260101-000000-x-1");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
}

TEST(JobRecordTest, JobsAreListedNewestFirstAndDamagedRecordsAreSkipped) {
  testing::TempHome temp;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto log = JobLog::Create(temp.home().JobsDir(), "step" + std::to_string(i), false);
    ASSERT_TRUE(log.ok());
    auto record = RecordJobStart(**log, "step", "shop", "alice");
    ASSERT_TRUE(record.ok());
    record->started_ms = 1000 + i;  // one millisecond apart
    EXPECT_TRUE(RecordJobEnd(**log, *record, Status::OK()).ok());
    ids.push_back((*log)->id());
  }
  temp.WriteFile("jobs/20260101-000000-broken-1/job.json", "{not json");
  auto listed = ListJobRecords(temp.home().JobsDir());
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].id, ids[2]);
  EXPECT_EQ((*listed)[2].id, ids[0]);
  EXPECT_EQ((*listed)[0].state, "succeeded");
}

}  // namespace
}  // namespace mortar
