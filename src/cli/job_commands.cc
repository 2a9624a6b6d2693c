// mortar job: the jobs (builds and recipe runs) the acting user may see, one job's
// record and log, and cancelling a running one.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/invocation.h"
#include "cli/table_printer.h"
#include "mortar/config/home.h"
#include "mortar/flow/context.h"
#include "mortar/flow/job_record.h"
#include "mortar/security/permissions.h"

namespace mortar::cli {

using Json = nlohmann::json;

namespace {

// What the acting user may do with a job: see it with the read role on its project,
// cancel it with the write role. Admins may do both; a job of no project is its user's.
Result<security::ProjectRole> RoleOn(const Invocation& in, const JobRecord& job) {
  const config::Home& home = in.context->home();
  MORTAR_ASSIGN_OR_RETURN(config::User user, home.FindUser(in.context->user()));
  if (user.admin) return security::ProjectRole::kAdmin;
  if (job.project.empty()) {
    return job.user == user.name ? security::ProjectRole::kWrite : security::ProjectRole::kNone;
  }
  return security::ProjectRoleOf(home, user, job.project);
}

// The job if the acting user may see it; otherwise the same NotFound as for a job that
// does not exist, so ids of other projects' jobs are not revealed.
Result<JobRecord> VisibleJob(const Invocation& in, const std::string& id) {
  MORTAR_ASSIGN_OR_RETURN(JobRecord job, ReadJobRecord(in.context->home().JobsDir(), id));
  MORTAR_ASSIGN_OR_RETURN(security::ProjectRole role, RoleOn(in, job));
  if (role < security::ProjectRole::kRead)
    return Status::NotFound("no job '" + id + "' (see 'mortar job list')");
  return job;
}

Json ToJson(const JobRecord& job) {
  return Json{{"id", job.id},
              {"label", job.label},
              {"project", job.project},
              {"user", job.user},
              {"state", job.state},
              {"started", job.started},
              {"finished", job.finished},
              {"error", job.error}};
}

// The last `count` lines of the job's log.
std::vector<std::string> LogTail(const config::Home& home, const std::string& id,
                                 std::size_t count) {
  std::ifstream file(home.JobsDir() / id / "log.txt");
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > count) lines.erase(lines.begin());
  }
  return lines;
}

}  // namespace

Status JobVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action, Word(in, 1, "action (list, show, cancel)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  const config::Home& home = in.context->home();
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"limit"}));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 2));
    MORTAR_ASSIGN_OR_RETURN(int64_t limit, in.args.IntegerOption("limit", 20));
    if (limit < 1) return Status::Invalid("--limit must be at least 1");
    MORTAR_ASSIGN_OR_RETURN(auto jobs, ListJobRecords(home.JobsDir()));
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& job : jobs) {
      if (static_cast<int64_t>(list.size()) >= limit) break;
      MORTAR_ASSIGN_OR_RETURN(security::ProjectRole role, RoleOn(in, job));
      if (role < security::ProjectRole::kRead) continue;
      list.push_back(ToJson(job));
      rows.push_back({job.id, job.project, job.user, job.state, job.started, job.finished});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"JOB", "PROJECT", "USER", "STATE", "STARTED", "FINISHED"}, rows);
    }
    return Status::OK();
  }
  if (action == "show") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"lines"}));
    MORTAR_ASSIGN_OR_RETURN(std::string id, Word(in, 2, "job id"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    MORTAR_ASSIGN_OR_RETURN(int64_t lines, in.args.IntegerOption("lines", 50));
    if (lines < 1) return Status::Invalid("--lines must be at least 1");
    MORTAR_ASSIGN_OR_RETURN(JobRecord job, VisibleJob(in, id));
    auto log = LogTail(home, job.id, static_cast<std::size_t>(lines));
    if (in.json) {
      Json shown = ToJson(job);
      shown["log"] = log;
      shown["log_path"] = (home.JobsDir() / job.id / "log.txt").string();
      PrintJson(in.out, shown);
      return Status::OK();
    }
    in.out << "job " << job.id << ": " << job.state << "\n"
           << "  " << job.label << " in project " << job.project << ", by " << job.user << "\n"
           << "  started " << job.started
           << (job.finished.empty() ? "" : ", finished " + job.finished) << "\n";
    if (!job.error.empty()) in.out << "  error: " << job.error << "\n";
    in.out << "log (last " << log.size() << " lines):\n";
    for (const auto& line : log) in.out << "  " << line << "\n";
    return Status::OK();
  }
  if (action == "cancel") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(std::string id, Word(in, 2, "job id"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    MORTAR_ASSIGN_OR_RETURN(JobRecord job, VisibleJob(in, id));
    MORTAR_ASSIGN_OR_RETURN(security::ProjectRole role, RoleOn(in, job));
    if (role < security::ProjectRole::kWrite) {
      return Status::PermissionDenied("user '" + in.context->user() + "' may not cancel job '" +
                                      id + "': it needs the write role on project '" + job.project +
                                      "'");
    }
    MORTAR_RETURN_IF_ERROR(InterruptJob(job));
    if (in.json) {
      PrintJson(in.out, Json{{"job", id}, {"cancelling", true}});
    } else {
      in.out << "Asked job " << id
             << " to stop; it stops at its next check and leaves its outputs as they were "
                "('mortar job show "
             << id << "' says when it has)\n";
    }
    return Status::OK();
  }
  return Status::Invalid("unknown action 'job " + action + "' (see 'mortar job --help')");
}

}  // namespace mortar::cli
