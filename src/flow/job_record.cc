#include "mortar/flow/job_record.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <sstream>

#include "mortar/config/document.h"
#include "mortar/core/wall_time.h"

namespace mortar {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRecordFile = "job.json";

// Field 22 of /proc/<pid>/stat (clock ticks after boot), or "" when there is no such
// process. The command name (field 2) may hold spaces and parentheses: the fields
// after it start after its last ')'.
std::string ProcessStart(int64_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  for (int index = 3; index <= 22 && fields >> field; ++index) {
    if (index == 22) return field;
  }
  return "";
}

bool ProcessAlive(const JobRecord& record) {
  return record.pid > 0 && !record.process_start.empty() &&
         ProcessStart(record.pid) == record.process_start;
}

// The stored record: what JobJson shows, and the process that runs the job.
config::Json ToJson(const JobRecord& record) {
  config::Json json = JobJson(record);
  json["pid"] = record.pid;
  json["process_start"] = record.process_start;
  json["started_ms"] = record.started_ms;
  return json;
}

Result<JobRecord> FromJson(const config::Json& json, const fs::path& file) {
  if (!json.is_object()) return Status::Invalid(file.string() + ": not a job record");
  auto text = [&](const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  JobRecord record;
  record.id = text("id");
  record.label = text("label");
  record.project = text("project");
  record.user = text("user");
  auto pid = json.find("pid");
  if (pid != json.end() && pid->is_number_integer()) record.pid = pid->get<int64_t>();
  record.process_start = text("process_start");
  record.started = text("started");
  auto started_ms = json.find("started_ms");
  if (started_ms != json.end() && started_ms->is_number_integer())
    record.started_ms = started_ms->get<int64_t>();
  record.finished = text("finished");
  record.state = text("state");
  record.error = text("error");
  if (record.state == "running" && !ProcessAlive(record)) record.state = "ended";
  return record;
}

security::ProjectRole RoleOn(const config::Home& home, const config::User& user,
                             const JobRecord& job) {
  if (user.admin) return security::ProjectRole::kAdmin;
  if (job.project.empty())
    return job.user == user.name ? security::ProjectRole::kWrite : security::ProjectRole::kNone;
  // A project deleted since (or whose permissions cannot be read) grants nothing.
  auto role = security::ProjectRoleOf(home, user, job.project);
  return role.ok() ? *role : security::ProjectRole::kNone;
}

}  // namespace

Result<JobRecord> RecordJobStart(const JobLog& log, const std::string& label,
                                 const std::string& project, const std::string& user) {
  JobRecord record;
  record.id = log.id();
  record.label = label;
  record.project = project;
  record.user = user;
  record.pid = ::getpid();
  record.process_start = ProcessStart(record.pid);
  record.started = UtcNow();
  record.started_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  record.state = "running";
  MORTAR_RETURN_IF_ERROR(
      config::WriteJsonFile(log.path().parent_path() / kRecordFile, ToJson(record)));
  return record;
}

Status RecordJobEnd(JobLog& log, JobRecord record, const Status& status) {
  record.finished = UtcNow();
  record.state = status.ok()                              ? "succeeded"
                 : status.code() == ErrorCode::kCancelled ? "cancelled"
                                                          : "failed";
  record.error = status.ok() ? "" : status.message();
  Status written = config::WriteJsonFile(log.path().parent_path() / kRecordFile, ToJson(record));
  if (!written.ok()) log.Error("could not record how the job ended: " + written.message());
  return status;
}

Result<std::vector<JobRecord>> ListJobRecords(const fs::path& jobs_dir) {
  std::vector<JobRecord> records;
  std::error_code error;
  if (!fs::exists(jobs_dir, error)) return records;
  for (const auto& entry : fs::directory_iterator(jobs_dir, error)) {
    fs::path file = entry.path() / kRecordFile;
    if (!fs::exists(file, error)) continue;  // a job from before records were kept
    auto json = config::ReadJsonFile(file);
    if (!json.ok()) continue;  // being rewritten, or damaged: not a job to act on
    auto record = FromJson(*json, file);
    if (record.ok()) records.push_back(std::move(*record));
  }
  if (error) return Status::Invalid("cannot list " + jobs_dir.string() + ": " + error.message());
  // Newest first.
  std::sort(records.begin(), records.end(), [](const JobRecord& a, const JobRecord& b) {
    return a.started_ms != b.started_ms ? a.started_ms > b.started_ms : a.id > b.id;
  });
  return records;
}

Result<JobRecord> ReadJobRecord(const fs::path& jobs_dir, const std::string& id) {
  if (id.empty() || id.find('/') != std::string::npos || id.front() == '.')
    return Status::Invalid("'" + id + "' is not a job id (see 'mortar job list')");
  fs::path file = jobs_dir / id / kRecordFile;
  std::error_code error;
  if (!fs::exists(file, error))
    return Status::NotFound("no job '" + id + "' (see 'mortar job list')");
  MORTAR_ASSIGN_OR_RETURN(config::Json json, config::ReadJsonFile(file));
  return FromJson(json, file);
}

Result<std::vector<JobRecord>> JobsVisibleTo(const config::Home& home, const std::string& user,
                                             std::size_t limit) {
  MORTAR_ASSIGN_OR_RETURN(config::User account, home.FindUser(user));
  MORTAR_ASSIGN_OR_RETURN(auto jobs, ListJobRecords(home.JobsDir()));
  std::map<std::string, security::ProjectRole> roles;  // by project, each read once
  std::vector<JobRecord> visible;
  for (auto& job : jobs) {
    if (visible.size() >= limit) break;
    // A job of no project is its user's: its role is not the project's to cache.
    security::ProjectRole role = security::ProjectRole::kNone;
    if (job.project.empty()) {
      role = RoleOn(home, account, job);
    } else {
      auto [cached, added] = roles.try_emplace(job.project);
      if (added) cached->second = RoleOn(home, account, job);
      role = cached->second;
    }
    if (role >= security::ProjectRole::kRead) visible.push_back(std::move(job));
  }
  return visible;
}

Result<JobRecord> JobFor(const config::Home& home, const std::string& user, const std::string& id,
                         security::ProjectRole needed) {
  MORTAR_ASSIGN_OR_RETURN(JobRecord job, ReadJobRecord(home.JobsDir(), id));
  MORTAR_ASSIGN_OR_RETURN(config::User account, home.FindUser(user));
  security::ProjectRole role = RoleOn(home, account, job);
  if (role < security::ProjectRole::kRead)
    return Status::NotFound("no job '" + id + "' (see 'mortar job list')");
  if (role < needed) {
    return Status::PermissionDenied("user '" + user + "' may not cancel job '" + id +
                                    "': it needs the write role on project '" + job.project + "'");
  }
  return job;
}

config::Json JobJson(const JobRecord& job) {
  return config::Json{{"id", job.id},
                      {"label", job.label},
                      {"project", job.project},
                      {"user", job.user},
                      {"state", job.state},
                      {"started", job.started},
                      {"finished", job.finished},
                      {"error", job.error}};
}

std::vector<std::string> JobLogTail(const fs::path& jobs_dir, const std::string& id,
                                    std::size_t count) {
  std::ifstream file(jobs_dir / id / "log.txt");
  std::deque<std::string> lines;
  for (std::string line; std::getline(file, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > count) lines.pop_front();
  }
  return std::vector<std::string>(lines.begin(), lines.end());
}

Status InterruptJob(const JobRecord& record) {
  if (record.state != "running" || !ProcessAlive(record)) {
    return Status::Conflict("job '" + record.id + "' is not running (state: " +
                            (record.state == "running" ? "ended" : record.state) + ")");
  }
  if (::kill(static_cast<pid_t>(record.pid), SIGINT) != 0) {
    return Status::Internal("could not signal the process of job '" + record.id +
                            "': " + std::strerror(errno));
  }
  return Status::OK();
}

}  // namespace mortar
