// The data API served on 127.0.0.1, on a port the system picks, for the Python process
// of a code recipe. It lives as long as this object; its tickets die with it.
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "mortar/config/home.h"
#include "mortar/recipes/recipe_data_api.h"
#include "mortar/recipes/registry.h"
#include "mortar/server/ticket_store.h"

namespace mortar::server {

class LocalDataApi final : public RecipeDataApi {
 public:
  using LogLine = std::function<void(const std::string&)>;
  // log: one line per request (method, path, status); never a ticket.
  static Result<std::unique_ptr<LocalDataApi>> Start(const config::Home& home,
                                                     std::shared_ptr<const Registry> registry,
                                                     LogLine log);
  ~LocalDataApi() override;

  // http://127.0.0.1:<port>
  const std::string& url() const override;
  // A ticket for exactly the grant's datasets, whose writes wait for Finish.
  std::string MintTicket(RecipeGrant grant) override;
  // Commits (or aborts) the writes a recipe's ticket held, and revokes the ticket.
  Status Finish(const std::string& ticket, bool succeeded) override;

 private:
  struct Impl;
  explicit LocalDataApi(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mortar::server
