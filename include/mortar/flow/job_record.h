// A job's record beside its log (<home>/jobs/<id>/job.json): which user ran what in
// which project, in which process, and how it ended. Written when the job starts and
// again when it ends, so 'mortar job list|show|cancel' can say what runs and stop it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mortar/core/job_log.h"
#include "mortar/core/result.h"

namespace mortar {

struct JobRecord {
  std::string id;
  std::string label;    // what was built or run
  std::string project;  // "" for a job of no project
  std::string user;
  int64_t pid = 0;
  // The process's start time (from /proc), to tell it from a later process that
  // reuses its pid.
  std::string process_start;
  std::string started;   // UTC, ISO 8601
  std::string finished;  // "" while running
  // running, succeeded, failed or cancelled; "ended" when the process is gone without
  // saying how (killed, or a crash).
  std::string state;
  std::string error;  // what a failed or cancelled job said
};

// Writes the record of a job that starts now in this process.
Result<JobRecord> RecordJobStart(const JobLog& log, const std::string& label,
                                 const std::string& project, const std::string& user);
// Writes how the job ended (`status` OK: succeeded; cancelled; else failed) and returns
// `status` unchanged. Failing to write is logged, never hides the job's own outcome.
Status RecordJobEnd(JobLog& log, JobRecord record, const Status& status);

// The jobs with a record, newest first; a job whose process is gone while its record
// says running is reported as "ended".
Result<std::vector<JobRecord>> ListJobRecords(const std::filesystem::path& jobs_dir);
// One job's record, as listed (NotFound when there is none).
Result<JobRecord> ReadJobRecord(const std::filesystem::path& jobs_dir, const std::string& id);
// Asks a running job's process to stop as Ctrl-C does (SIGINT): it stops at its next
// check, cancels what runs on a database, and leaves its outputs as they were. An error
// when the job is not running.
Status InterruptJob(const JobRecord& record);

}  // namespace mortar
