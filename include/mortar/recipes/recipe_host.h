// What a recipe may ask of the command or request running it (the flow's Context):
// the data directory, the acting user and project, and the registry. Recipes sit
// below the flow, so they see it only through this interface.
#pragma once

#include <memory>
#include <string>

#include "mortar/config/home.h"

namespace mortar {

class Registry;

class RecipeHost {
 public:
  virtual ~RecipeHost() = default;
  virtual const config::Home& home() const = 0;
  virtual const std::string& user() const = 0;
  virtual Result<const config::Project*> project() const = 0;
  virtual std::shared_ptr<const Registry> shared_registry() const = 0;
  // Drops the cached dataset so that its file is read again.
  virtual void ForgetDataset(const std::string& name) = 0;
};

}  // namespace mortar
