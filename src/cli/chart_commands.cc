// mortar chart: list, render (SVG or PNG).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/invocation.h"
#include "cli/table_printer.h"
#include "mortar/charts/chart.h"
#include "mortar/config/home.h"
#include "mortar/flow/context.h"

namespace mortar::cli {

using Json = nlohmann::json;

Status ChartVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(std::string action, Word(in, 1, "action (list, render)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, in.context->project());
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 2));
    MORTAR_ASSIGN_OR_RETURN(auto charts, charts::ListCharts(*project));
    std::vector<std::vector<std::string>> rows;
    Json list = Json::array();
    for (const auto& spec : charts) {
      list.push_back({{"name", spec.name}, {"dataset", spec.dataset}});
      rows.push_back({spec.name, spec.dataset});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"NAME", "DATASET"}, rows);
    }
    return Status::OK();
  }
  if (action != "render") {
    return Status::Invalid("unknown action '" + action + "' for chart (expected list, render)");
  }
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"out", "scale"}));
  MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "chart name"));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
  auto out = in.args.Option("out");
  bool png = out && std::filesystem::path(*out).extension() == ".png";
  if (out && !png && std::filesystem::path(*out).extension() != ".svg") {
    return Status::Invalid("--out " + *out + ": expected a file name ending in .svg or .png");
  }
  double scale = 1;
  if (auto text = in.args.Option("scale")) {
    char* end = nullptr;
    scale = std::strtod(text->c_str(), &end);
    if (end == text->c_str() || *end != '\0' || !png) {
      return Status::Invalid("--scale expects a number, with --out FILE.png");
    }
  }
  MORTAR_ASSIGN_OR_RETURN(charts::ChartSpec spec, charts::LoadChart(*project, name));
  MORTAR_ASSIGN_OR_RETURN(
      charts::ChartData data,
      charts::ComputeChart(*in.context, spec, std::filesystem::temp_directory_path()));
  if (in.json) {
    PrintJson(in.out, charts::ChartDataJson(spec, data));
    return Status::OK();
  }
  std::string picture = charts::RenderSvg(spec, data);
  if (!out) {
    in.out << picture;
    return Status::OK();
  }
  if (png) {
    MORTAR_ASSIGN_OR_RETURN(picture, charts::RenderPng(picture, scale));
  }
  MORTAR_RETURN_IF_ERROR(config::WriteTextFile(
      *out, picture,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
          std::filesystem::perms::group_read | std::filesystem::perms::others_read));
  in.out << "wrote " << *out << " (" << data.rows.size() << " bins, engine " << data.engine
         << (data.cached ? ", from the cache" : "") << ")\n";
  return Status::OK();
}

}  // namespace mortar::cli
