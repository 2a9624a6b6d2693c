// mortar job: the jobs (builds and recipe runs) the acting user may see, one job's
// record and log, and cancelling a running one.
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

Status JobVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action, Word(in, 1, "action (list, show, cancel)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  const config::Home& home = in.context->home();
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"limit"}));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 2));
    MORTAR_ASSIGN_OR_RETURN(int64_t limit, in.args.IntegerOption("limit", 20));
    if (limit < 1) return Status::Invalid("--limit must be at least 1");
    MORTAR_ASSIGN_OR_RETURN(
        auto jobs, JobsVisibleTo(home, in.context->user(), static_cast<std::size_t>(limit)));
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& job : jobs) {
      list.push_back(JobJson(job));
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
    MORTAR_ASSIGN_OR_RETURN(JobRecord job,
                            JobFor(home, in.context->user(), id, security::ProjectRole::kRead));
    auto log = JobLogTail(home.JobsDir(), job.id, static_cast<std::size_t>(lines));
    if (in.json) {
      Json shown = JobJson(job);
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
    MORTAR_ASSIGN_OR_RETURN(JobRecord job,
                            JobFor(home, in.context->user(), id, security::ProjectRole::kWrite));
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
