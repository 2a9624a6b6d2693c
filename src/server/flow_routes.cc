#include "mortar/core/parse_integer.h"
#include "mortar/flow/flow.h"
#include "mortar/flow/job_record.h"
#include "server/api_routes.h"

namespace mortar::server {

namespace {

// A job id as the routes accept it (what JobLog makes: time, label and a number).
constexpr const char* kJobId = R"(([A-Za-z0-9_.-]+))";

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
    MORTAR_ASSIGN_OR_RETURN(auto jobs, JobsVisibleTo(routes.home(), caller.user, limit));
    Json list = Json::array();
    for (const auto& job : jobs) list.push_back(JobJson(job));
    return Json{{"jobs", list}};
  }));
  http.Get(
      std::string("/api/jobs/") + kJobId,
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(std::size_t lines, CountParam(request, "lines", 50, 10000));
        MORTAR_ASSIGN_OR_RETURN(
            JobRecord job,
            JobFor(routes.home(), caller.user, request.matches[1], security::ProjectRole::kRead));
        Json shown = JobJson(job);
        shown["log"] = JobLogTail(routes.home().JobsDir(), job.id, lines);
        return shown;
      }));
  http.Post(
      std::string("/api/jobs/") + kJobId + "/cancel",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(
            JobRecord job,
            JobFor(routes.home(), caller.user, request.matches[1], security::ProjectRole::kWrite));
        MORTAR_RETURN_IF_ERROR(InterruptJob(job));
        return Json{{"job", job.id}, {"cancelling", true}};
      }));
}

}  // namespace mortar::server
