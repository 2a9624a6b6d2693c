// A job's record beside its log (<home>/jobs/<id>/job.json): which user ran what in
// which project, in which process, and how it ended. Written when the job starts and
// again when it ends, so 'mortar job list|show|cancel' can say what runs and stop it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mortar/config/document.h"
#include "mortar/config/home.h"
#include "mortar/core/job_log.h"
#include "mortar/core/result.h"
#include "mortar/security/permissions.h"

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
  std::string started;     // UTC, ISO 8601
  int64_t started_ms = 0;  // the same in milliseconds since 1970, to order jobs
  std::string finished;    // "" while running
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
// What a user may do with a job: see it with the read role on its project, cancel it
// with the write role. Admins hold every role; a job of no project is its user's alone,
// and one of a project that is gone is the admins' alone.
//
// The newest `limit` jobs `user` may see, newest first.
Result<std::vector<JobRecord>> JobsVisibleTo(const config::Home& home, const std::string& user,
                                             std::size_t limit);
// Job `id` when `user` holds `needed` on it. NotFound when they may not see it, as for a
// job that does not exist, so other projects' job ids are not revealed; PermissionDenied
// when they may see it but not cancel it.
Result<JobRecord> JobFor(const config::Home& home, const std::string& user, const std::string& id,
                         security::ProjectRole needed);
// The record as data (no pid), as 'mortar job list --json' and GET /api/jobs give it.
config::Json JobJson(const JobRecord& job);
// The last `count` lines of the job's log.
std::vector<std::string> JobLogTail(const std::filesystem::path& jobs_dir, const std::string& id,
                                    std::size_t count);

// Asks a running job's process to stop as Ctrl-C does (SIGINT): it stops at its next
// check, cancels what runs on a database, and leaves its outputs as they were. An error
// when the job is not running.
Status InterruptJob(const JobRecord& record);

}  // namespace mortar
