// What every verb of the `mortar` command gets, and the helpers they share.
#pragma once

#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/arguments.h"
#include "mortar/flow/context.h"

namespace mortar::cli {

struct Invocation {
  const Arguments& args;
  std::ostream& out;
  std::ostream& err;
  bool json = false;
  std::unique_ptr<Context> context;
};

// The word at index (0 is the verb), or an error naming what is missing.
Result<std::string> Word(const Invocation& in, std::size_t index, const std::string& what);
// Fails when there are more than count words.
Status ExpectWords(const Invocation& in, std::size_t count);
// Opens the data directory as the acting user (--user, $MORTAR_USER, else admin).
Status OpenContext(Invocation& in);
void PrintJson(std::ostream& out, const nlohmann::json& value);
// Applies one --param KEY=VALUE to `params`: values that read as JSON (numbers, true,
// false, objects) keep their kind, anything else is a string; a dotted key
// (auth.token_file=...) sets a field of a nested object.
Status SetParam(nlohmann::json& params, const std::string& param);
// An Auth error unless the acting user is a Mortar admin; `what` completes "only an
// admin may ...".
Status RequireAdmin(const Invocation& in, const std::string& what);

// The verbs, a file each (connection_commands.cc, ...).
Status ConnectionVerb(Invocation& in);
Status ProjectVerb(Invocation& in);
Status DatasetVerb(Invocation& in);
Status RecipeVerb(Invocation& in);
Status BuildVerb(Invocation& in);
Status FlowVerb(Invocation& in);
Status JobVerb(Invocation& in);
Status ChartVerb(Invocation& in);
Status SqlVerb(Invocation& in);
// The verbs of security_commands.cc.
Status UserVerb(Invocation& in);
Status GroupVerb(Invocation& in);
Status ApiKeyVerb(Invocation& in);
Status CredentialsVerb(Invocation& in);
Status SecretsVerb(Invocation& in);
Status ServeVerb(Invocation& in);
// connection set-secret / authorize.
Status ConnectionSecretAction(Invocation& in, const std::string& action);

}  // namespace mortar::cli
