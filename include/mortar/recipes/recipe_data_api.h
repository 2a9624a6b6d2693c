// The data API a code recipe's process reaches its inputs and outputs through, served
// for one run. Mortar's own is the server's LocalDataApi: the registry of built-ins
// hands a starter for it to the Python recipe, so recipes need not depend on the
// server.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "mortar/core/result.h"
#include "mortar/recipes/recipe_host.h"

namespace mortar {

// What one run's ticket allows: exactly the recipe's datasets and their connections.
// Writes are held until the run ends.
struct RecipeGrant {
  std::string user;
  std::string project;
  std::set<std::string> readable;     // datasets (the recipe's inputs)
  std::set<std::string> writable;     // datasets (the recipe's outputs)
  std::set<std::string> connections;  // for SQL and client credentials
};

class RecipeDataApi {
 public:
  virtual ~RecipeDataApi() = default;
  // http://127.0.0.1:<port>
  virtual const std::string& url() const = 0;
  virtual std::string MintTicket(RecipeGrant grant) = 0;
  // Commits (or aborts) the writes the ticket held, and revokes it.
  virtual Status Finish(const std::string& ticket, bool succeeded) = 0;
};

// log: one line per request (method, path, status); never a ticket.
using StartRecipeDataApi = std::function<Result<std::unique_ptr<RecipeDataApi>>(
    const RecipeHost& host, std::function<void(const std::string&)> log)>;

}  // namespace mortar
