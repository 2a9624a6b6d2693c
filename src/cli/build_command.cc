// mortar build: build datasets and what they depend on.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/invocation.h"
#include "mortar/flow/context.h"
#include "mortar/flow/flow.h"

namespace mortar::cli {

using Json = nlohmann::json;

Status BuildVerb(Invocation& in) {
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"force", "print-job"}));
  if (in.args.words().size() < 2)
    return Status::Invalid("build needs at least one dataset (see 'mortar build --help')");
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, in.context->project());
  MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
  std::vector<std::string> targets(in.args.words().begin() + 1, in.args.words().end());
  BuildOptions options;
  options.force = in.args.Flag("force");
  options.echo = !in.json && !in.args.Flag("quiet");
  // For scripts (and the server) that follow the job while it runs.
  if (in.args.Flag("print-job"))
    options.on_start = [&in](const std::string& job_id) { in.out << job_id << std::endl; };
  MORTAR_ASSIGN_OR_RETURN(BuildReport report, flow.Build(*in.context, targets, options));
  if (in.json) {
    Json recipes = Json::array();
    for (const auto& outcome : report.recipes) {
      recipes.push_back({{"recipe", outcome.recipe},
                         {"ran", outcome.ran},
                         {"engine", outcome.engine},
                         {"rows", outcome.rows},
                         {"seconds", outcome.seconds}});
    }
    PrintJson(in.out, Json{{"job", report.job_id}, {"log", report.log_path}, {"recipes", recipes}});
  } else {
    int ran = 0;
    for (const auto& outcome : report.recipes) ran += outcome.ran ? 1 : 0;
    in.out << "Build finished: " << ran << " recipe(s) ran, "
           << report.recipes.size() - static_cast<std::size_t>(ran)
           << " up to date (log: " << report.log_path << ")\n";
  }
  return Status::OK();
}

}  // namespace mortar::cli
