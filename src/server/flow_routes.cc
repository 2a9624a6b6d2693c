#include "mortar/flow/flow.h"
#include "mortar/flow/job_record.h"
#include "server/api_routes.h"
#include "server/build_launcher.h"

namespace mortar::server {

namespace {

// A job id as the routes accept it (what JobLog makes: time, label and a number).
constexpr const char* kJobId = R"(([A-Za-z0-9_.-]+))";

// POST /api/builds's body: {"project": P, "datasets": [D, ...], "force": false}.
Result<BuildRequest> ParseBuildRequest(const Json& body, const std::string& user) {
  BuildRequest request{.user = user};
  auto project = body.find("project");
  if (project == body.end() || !project->is_string())
    return Status::Invalid("name the project to build in: {\"project\": \"NAME\", ...}");
  request.project = project->get<std::string>();
  auto recipe = body.find("recipe");
  auto datasets = body.find("datasets");
  if (recipe != body.end()) {
    if (!recipe->is_string() || datasets != body.end() || body.contains("force"))
      return Status::Invalid(
          "a recipe to run is named alone: {\"project\": \"P\", \"recipe\": \"NAME\"}");
    request.recipe = recipe->get<std::string>();
    return request;
  }
  if (datasets == body.end() || !datasets->is_array() || datasets->empty() ||
      datasets->size() > 1000)
    return Status::Invalid(
        "name the datasets to build (1 to 1000): {\"datasets\": [\"NAME\"]}, or the recipe to "
        "run: {\"recipe\": \"NAME\"}");
  for (const auto& dataset : *datasets) {
    if (!dataset.is_string()) return Status::Invalid("each dataset to build is a name (text)");
    request.datasets.push_back(dataset.get<std::string>());
  }
  auto force = body.find("force");
  if (force != body.end()) {
    if (!force->is_boolean()) return Status::Invalid("force is true or false");
    request.force = force->get<bool>();
  }
  return request;
}

}  // namespace

void AddFlowRoutes(RouteTable& http, RouteContext& routes) {
  auto launcher = std::make_shared<BuildLauncher>();
  http.Get("/api/flow", routes.Api([&routes](const httplib::Request& request,
                                             const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
    MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
    MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
    return FlowGraphJson(*context, flow);
  }));
  http.Post("/api/builds", routes.Api([&routes, launcher](const httplib::Request& request,
                                                          const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
    MORTAR_ASSIGN_OR_RETURN(BuildRequest build, ParseBuildRequest(body, caller.user));
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
    MORTAR_RETURN_IF_ERROR(context->SelectProject(build.project));
    MORTAR_RETURN_IF_ERROR(context->RequireProjectRole(security::ProjectRole::kWrite));
    MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
    // Known datasets and recipes only: the names go to the child's command line.
    for (const auto& dataset : build.datasets)
      MORTAR_RETURN_IF_ERROR(project->LoadDataset(dataset).status());
    if (!build.recipe.empty()) MORTAR_RETURN_IF_ERROR(project->LoadRecipe(build.recipe).status());
    MORTAR_ASSIGN_OR_RETURN(std::string job, launcher->Start(routes.home(), build));
    return Json{{"job", job}};
  }));
  http.Get("/api/jobs", routes.Api([&routes](const httplib::Request& request,
                                             const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(int64_t limit, BoundedIntegerParam(request, "limit", 20, 1, 1000));
    MORTAR_ASSIGN_OR_RETURN(
        auto jobs, JobsVisibleTo(routes.home(), caller.user, static_cast<std::size_t>(limit)));
    Json list = Json::array();
    for (const auto& job : jobs) list.push_back(JobJson(job));
    return Json{{"jobs", list}};
  }));
  http.Get(
      std::string("/api/jobs/") + kJobId,
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(int64_t lines, BoundedIntegerParam(request, "lines", 50, 1, 10000));
        MORTAR_ASSIGN_OR_RETURN(
            JobRecord job,
            JobFor(routes.home(), caller.user, request.matches[1], security::ProjectRole::kRead));
        Json shown = JobJson(job);
        shown["log"] = JobLogTail(routes.home().JobsDir(), job.id, static_cast<std::size_t>(lines));
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
