#include "mortar/charts/chart.h"
#include "mortar/charts/chart_definition.h"
#include "server/api_routes.h"
#include "server/body_reply.h"
#include "server/error_reply.h"

namespace mortar::server {

namespace {

// The chart the request names, computed as the caller.
Result<std::pair<charts::ChartSpec, charts::ChartData>> ComputeChart(
    RouteContext& routes, const httplib::Request& request, const Caller& caller) {
  MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
  MORTAR_ASSIGN_OR_RETURN(charts::ChartSpec spec, charts::LoadChart(*project, request.matches[1]));
  MORTAR_ASSIGN_OR_RETURN(
      charts::ChartData data,
      charts::ComputeChart(*context, spec, std::filesystem::temp_directory_path()));
  return std::make_pair(std::move(spec), std::move(data));
}

// {"chart": {...}} of a request body.
Result<Json> ChartOf(const Json& body) {
  if (!body.contains("chart") || !body["chart"].is_object())
    return Status::Invalid(
        "expected {\"chart\": {\"name\", \"dataset\", \"type\", \"dimensions\", "
        "\"measures\"}}");
  return body["chart"];
}

}  // namespace

void AddChartRoutes(RouteTable& http, RouteContext& routes) {
  http.Get("/api/charts", routes.Api([&routes](const httplib::Request& request,
                                               const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
    MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
    MORTAR_ASSIGN_OR_RETURN(auto charts, charts::ListCharts(*project));
    Json list = Json::array();
    for (const auto& spec : charts)
      list.push_back({{"name", spec.name}, {"dataset", spec.dataset}});
    return Json{{"project", project->name()}, {"charts", list}};
  }));
  http.Get(
      R"(/api/charts/([A-Za-z0-9_-]+))",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(auto chart, ComputeChart(routes, request, caller));
        Json json = charts::ChartDataJson(chart.first, chart.second);
        json["definition"] = chart.first.definition;
        return json;
      }));
  // A chart as it would be saved: its data and its picture; nothing is saved.
  http.Post("/api/charts/preview", routes.Api([&routes](const httplib::Request& request,
                                                        const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
    MORTAR_ASSIGN_OR_RETURN(Json definition, ChartOf(body));
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
    MORTAR_ASSIGN_OR_RETURN(
        auto chart,
        charts::PreviewChart(*context, definition, std::filesystem::temp_directory_path()));
    Json json = charts::ChartDataJson(chart.first, chart.second);
    json["svg"] = charts::RenderSvg(chart.first, chart.second);
    return json;
  }));
  http.Post("/api/charts", routes.Api([&routes](const httplib::Request& request,
                                                const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
    MORTAR_ASSIGN_OR_RETURN(Json definition, ChartOf(body));
    if (body.contains("replace") && !body["replace"].is_boolean())
      return Status::Invalid("\"replace\" is true or false");
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
    MORTAR_ASSIGN_OR_RETURN(charts::ChartSpec spec,
                            charts::SaveChart(*context, definition, body.value("replace", false)));
    return Json{{"chart", spec.name}, {"definition", spec.definition}};
  }));
  http.Get(R"(/api/charts/([A-Za-z0-9_-]+)\.(svg|png))",
           [&routes](const httplib::Request& request, httplib::Response& response) {
             auto caller = routes.Authenticate(request);
             if (!caller.ok()) return ReplyError(response, caller.status());
             auto chart = ComputeChart(routes, request, *caller);
             if (!chart.ok()) return ReplyError(response, chart.status());
             std::string svg = charts::RenderSvg(chart->first, chart->second);
             response.set_header("Cache-Control", "no-store");
             if (request.matches[2] == "svg") {
               return ReplyBody(request, response, std::move(svg), "image/svg+xml");
             }
             auto png = charts::RenderPng(svg);
             if (!png.ok()) return ReplyError(response, png.status());
             response.set_content(*png, "image/png");  // compressed already
           });
}

}  // namespace mortar::server
