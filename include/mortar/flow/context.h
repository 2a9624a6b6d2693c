// The context of one command or request: the data directory, the registry, the acting
// user and project, and the live connections and datasets they have opened.
// Not thread-safe: one per command or request.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "mortar/config/home.h"
#include "mortar/recipes/recipe_host.h"
#include "mortar/recipes/registry.h"
#include "mortar/security/permissions.h"

namespace mortar {

class Context final : public RecipeHost {
 public:
  // tokens: token renewals shared with other contexts of the process (the server's
  // requests); a context makes its own when none is given.
  Context(config::Home home, std::shared_ptr<const Registry> registry, std::string user,
          std::shared_ptr<auth::TokenSourceCache> tokens = nullptr);
  ~Context() override;

  const config::Home& home() const override { return home_; }
  const Registry& registry() const { return *registry_; }
  std::shared_ptr<const Registry> shared_registry() const override { return registry_; }
  const std::string& user() const override { return user_; }

  // Selects the project; with no name, the only project when there is exactly one.
  // The acting user must hold at least the read role on it, or project() says so.
  Status SelectProject(const std::optional<std::string>& name);
  Result<const config::Project*> project() const override;
  // An Auth error unless the acting user holds `role` on the selected project.
  Status RequireProjectRole(security::ProjectRole role) const;
  // An Auth error unless the acting user holds `right` on the connection. GetConnection
  // checks kUse itself.
  Status RequireConnectionRight(const std::string& connection,
                                security::ConnectionRight right) const;

  // Builds a connection from a config without saving it (for tests of new ones).
  Result<std::unique_ptr<Connection>> MakeConnection(const config::ConnectionConfig& config) const;
  // A connection the acting user may use (kUse), opened once per context.
  Result<Connection*> GetConnection(const std::string& name);
  Result<Dataset*> GetDataset(const std::string& name);
  Result<std::unique_ptr<Dataset>> MakeDataset(const config::DatasetConfig& config);
  // Drops the cached dataset so that its file is read again.
  void ForgetDataset(const std::string& name) override;

 private:
  config::Home home_;
  std::shared_ptr<const Registry> registry_;
  std::string user_;
  std::shared_ptr<auth::TokenSourceCache> tokens_;
  std::optional<config::Project> project_;
  Status project_refused_;  // why the selected project may not be used
  std::map<std::string, std::unique_ptr<Connection>> connections_;
  std::map<std::string, std::unique_ptr<Dataset>> datasets_;
};

}  // namespace mortar
