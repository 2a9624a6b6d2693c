// mortar flow: the project's datasets and recipes as a graph, as a table, JSON or DOT.
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/invocation.h"
#include "cli/table_printer.h"
#include "mortar/flow/context.h"
#include "mortar/flow/flow.h"

namespace mortar::cli {

using Json = nlohmann::json;

namespace {

std::string Joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// A DOT string literal: quotes and backslashes escaped, newlines as DOT's \n.
std::string DotQuoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    quoted += c;
  }
  return quoted + "\"";
}

// Datasets are boxes ("dataset:NAME"), recipes ellipses ("recipe:NAME"); a recipe a
// build would run, and what it writes, are drawn dashed.
void PrintDot(std::ostream& out, const Json& flow) {
  out << "digraph flow {\n  rankdir=LR;\n";
  std::set<std::string> stale_outputs;
  for (const auto& recipe : flow["recipes"]) {
    if (recipe["up_to_date"].get<bool>()) continue;
    for (const auto& output : recipe["outputs"]) stale_outputs.insert(output.get<std::string>());
  }
  for (const auto& dataset : flow["datasets"]) {
    std::string name = dataset["name"].get<std::string>();
    out << "  " << DotQuoted("dataset:" + name) << " [shape=box, label="
        << DotQuoted(name + "\n" + dataset["connection"].get<std::string>())
        << (stale_outputs.count(name) > 0 ? ", style=dashed" : "") << "];\n";
  }
  for (const auto& recipe : flow["recipes"]) {
    std::string name = recipe["name"].get<std::string>();
    std::string id = DotQuoted("recipe:" + name);
    out << "  " << id
        << " [shape=ellipse, label=" << DotQuoted(name + "\n" + recipe["type"].get<std::string>())
        << (recipe["up_to_date"].get<bool>() ? "" : ", style=dashed") << "];\n";
    for (const auto& input : recipe["inputs"])
      out << "  " << DotQuoted("dataset:" + input.get<std::string>()) << " -> " << id << ";\n";
    for (const auto& output : recipe["outputs"])
      out << "  " << id << " -> " << DotQuoted("dataset:" + output.get<std::string>()) << ";\n";
  }
  out << "}\n";
}

}  // namespace

Status FlowVerb(Invocation& in) {
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"dot"}));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 1));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, in.context->project());
  MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
  MORTAR_ASSIGN_OR_RETURN(Json graph, FlowGraphJson(*in.context, flow));
  const Json& recipes = graph["recipes"];
  if (in.args.Flag("dot")) {
    PrintDot(in.out, graph);
  } else if (in.json) {
    PrintJson(in.out, graph);
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& recipe : recipes) {
      std::string engine = recipe["engine"].get<std::string>();
      rows.push_back(
          {recipe["name"].get<std::string>(),
           recipe["type"].get<std::string>() + (engine.empty() ? "" : " (" + engine + ")"),
           Joined(recipe["inputs"].get<std::vector<std::string>>()),
           Joined(recipe["outputs"].get<std::vector<std::string>>()),
           recipe["up_to_date"].get<bool>() ? "up to date" : "out of date"});
    }
    in.out << "Recipes, upstream first:\n";
    PrintTable(in.out, {"RECIPE", "TYPE", "READS", "WRITES", "STATE"}, rows);
  }
  return Status::OK();
}

}  // namespace mortar::cli
