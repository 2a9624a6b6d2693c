#include "cli/commands.h"

#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/help_text.h"
#include "cli/invocation.h"
#include "mortar/config/home.h"

namespace mortar::cli {

using Json = nlohmann::json;

namespace {

// mortar init: creates the data directory.
Status Init(Invocation& in) {
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 1));
  std::filesystem::path root = in.args.Option("home")
                                   ? std::filesystem::path(*in.args.Option("home"))
                                   : config::Home::DefaultRoot();
  MORTAR_ASSIGN_OR_RETURN(config::Home home, config::Home::Init(root));
  if (in.json) {
    PrintJson(in.out, Json{{"home", home.root().string()}});
  } else {
    in.out << "Mortar data directory ready at " << home.root().string() << "\n";
  }
  return Status::OK();
}

}  // namespace

Status Run(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  MORTAR_ASSIGN_OR_RETURN(Arguments args, Arguments::Parse(argv));
  if (args.words().empty() || args.words()[0] == "help") {
    if (args.words().size() > 1 && VerbHelp().count(args.words()[1]) > 0) {
      out << VerbHelp().at(args.words()[1]);
      return Status::OK();
    }
    out << kGlobalHelp;
    if (args.words().empty() && !args.Flag("help")) return Status::Invalid("no verb given");
    return Status::OK();
  }
  const std::string& verb = args.words()[0];
  if (args.Flag("help")) {
    auto help = VerbHelp().find(verb);
    if (help == VerbHelp().end())
      return Status::Invalid("unknown verb '" + verb + "' (see 'mortar --help')");
    out << help->second;
    return Status::OK();
  }
  Invocation in{args, out, err, args.Flag("json"), nullptr};
  static const std::map<std::string, std::function<Status(Invocation&)>> kVerbs = {
      {"init", Init},
      {"connection", ConnectionVerb},
      {"project", ProjectVerb},
      {"dataset", DatasetVerb},
      {"recipe", RecipeVerb},
      {"chart", ChartVerb},
      {"build", BuildVerb},
      {"flow", FlowVerb},
      {"job", JobVerb},
      {"sql", SqlVerb},
      {"user", UserVerb},
      {"group", GroupVerb},
      {"api-key", ApiKeyVerb},
      {"credentials", CredentialsVerb},
      {"secrets", SecretsVerb},
      {"serve", ServeVerb},
      {"quickstart",
       [](Invocation& invocation) { return Quickstart(invocation.args, invocation.out); }},
      {"version",
       [](Invocation& invocation) {
         invocation.out << "mortar " << MORTAR_VERSION << "\n";
         return Status::OK();
       }},
  };
  auto it = kVerbs.find(verb);
  if (it == kVerbs.end())
    return Status::Invalid("unknown verb '" + verb + "' (see 'mortar --help')");
  return it->second(in);
}

}  // namespace mortar::cli
