#include "mortar/core/parse_integer.h"
#include "mortar/flow/flow.h"
#include "mortar/flow/job_record.h"
#include "server/api_routes.h"

namespace mortar::server {

namespace {

// A job id as the routes accept it (what JobLog makes: time, label and a number).
constexpr const char* kJobId = R"(([A-Za-z0-9_.-]+))";

// The job if the caller may see it; otherwise NotFound, as for one that does not exist,
// so other projects' job ids are not revealed.
Result<JobRecord> VisibleJob(const RouteContext& routes, const Caller& caller,
                             const std::string& id, security::ProjectRole needed) {
  MORTAR_ASSIGN_OR_RETURN(JobRecord job, ReadJobRecord(routes.home().JobsDir(), id));
  MORTAR_ASSIGN_OR_RETURN(security::ProjectRole role, JobRoleOf(routes.home(), caller.user, job));
  if (role < security::ProjectRole::kRead) return Status::NotFound("no job '" + id + "'");
  if (role < needed) {
    return Status::PermissionDenied("user '" + caller.user + "' may not cancel job '" + id +
                                    "': it needs the write role on project '" + job.project + "'");
  }
  return job;
}

// ?name=N as a count between 1 and `most`, `fallback` when absent.
Result<std::size_t> CountParam(const httplib::Request& request, const std::string& name,
                               std::size_t fallback, int64_t most) {
  if (!request.has_param(name)) return fallback;
  auto count = ParseInteger(request.get_param_value(name));
  if (!count || *count < 1 || *count > most)
    return Status::Invalid(name + " must be a whole number from 1 to " + std::to_string(most));
  return static_cast<std::size_t>(*count);
}

}  // namespace

void AddFlowRoutes(httplib::Server& http, RouteContext& routes) {
  http.Get("/api/flow", routes.Api([&routes](const httplib::Request& request,
                                             const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
    MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
    MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
    return FlowGraphJson(*context, flow);
  }));
  http.Get("/api/jobs", routes.Api([&routes](const httplib::Request& request,
                                             const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(std::size_t limit, CountParam(request, "limit", 20, 1000));
    MORTAR_ASSIGN_OR_RETURN(auto jobs, ListJobRecords(routes.home().JobsDir()));
    Json list = Json::array();
    for (const auto& job : jobs) {
      if (list.size() >= limit) break;
      MORTAR_ASSIGN_OR_RETURN(security::ProjectRole role,
                              JobRoleOf(routes.home(), caller.user, job));
      if (role >= security::ProjectRole::kRead) list.push_back(JobJson(job));
    }
    return Json{{"jobs", list}};
  }));
  http.Get(
      std::string("/api/jobs/") + kJobId,
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(std::size_t lines, CountParam(request, "lines", 50, 10000));
        MORTAR_ASSIGN_OR_RETURN(JobRecord job, VisibleJob(routes, caller, request.matches[1],
                                                          security::ProjectRole::kRead));
        Json shown = JobJson(job);
        shown["log"] = JobLogTail(routes.home().JobsDir(), job.id, lines);
        return shown;
      }));
  http.Post(
      std::string("/api/jobs/") + kJobId + "/cancel",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(JobRecord job, VisibleJob(routes, caller, request.matches[1],
                                                          security::ProjectRole::kWrite));
        MORTAR_RETURN_IF_ERROR(InterruptJob(job));
        return Json{{"job", job.id}, {"cancelling", true}};
      }));
}

}  // namespace mortar::server
