// What every verb shares: its words, the opened data directory, JSON output.
#include "cli/invocation.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "mortar/builtin/builtin_registry.h"
#include "mortar/config/home.h"
#include "mortar/flow/context.h"

namespace mortar::cli {

using Json = nlohmann::json;

Result<std::string> Word(const Invocation& in, std::size_t index, const std::string& what) {
  if (in.args.words().size() <= index) {
    return Status::Invalid("missing " + what + " (see 'mortar " + in.args.words()[0] + " --help')");
  }
  return in.args.words()[index];
}

Status ExpectWords(const Invocation& in, std::size_t count) {
  if (in.args.words().size() > count) {
    return Status::Invalid("unexpected argument '" + in.args.words()[count] + "' (see 'mortar " +
                           in.args.words()[0] + " --help')");
  }
  return Status::OK();
}

Status OpenContext(Invocation& in) {
  std::filesystem::path root = in.args.Option("home")
                                   ? std::filesystem::path(*in.args.Option("home"))
                                   : config::Home::DefaultRoot();
  MORTAR_ASSIGN_OR_RETURN(config::Home home, config::Home::Open(root));
  std::string user = in.args.Option("user").value_or("");
  if (user.empty()) {
    const char* env = std::getenv("MORTAR_USER");
    user = env != nullptr && *env != '\0' ? env : "admin";
  }
  MORTAR_RETURN_IF_ERROR(home.FindUser(user).status());
  in.context = std::make_unique<Context>(std::move(home), BuiltinRegistry(), user);
  std::optional<std::string> project = in.args.Option("project");
  if (!project) {
    const char* env = std::getenv("MORTAR_PROJECT");
    if (env != nullptr && *env != '\0') project = env;
  }
  return in.context->SelectProject(project);
}

void PrintJson(std::ostream& out, const nlohmann::json& value) {
  out << value.dump(2) << "\n";
}

Status SetParam(nlohmann::json& params, const std::string& param) {
  auto equals = param.find('=');
  if (equals == std::string::npos || equals == 0)
    return Status::Invalid("--param needs KEY=VALUE, got '" + param + "'");
  std::string key = param.substr(0, equals);
  std::string text = param.substr(equals + 1);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded() || value.is_string()) value = text;
  nlohmann::json* target = &params;
  std::size_t start = 0;
  for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
    nlohmann::json& child = (*target)[key.substr(start, dot - start)];
    if (!child.is_object()) child = nlohmann::json::object();
    target = &child;
    start = dot + 1;
  }
  (*target)[key.substr(start)] = value;
  return Status::OK();
}

}  // namespace mortar::cli
