// The plug-in registry: connection types, dataset types, recipe types and engines.
// A registry is built once (mortar/builtin/builtin_registry.h) and read from many
// threads afterwards.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mortar/connectors/connection_type.h"
#include "mortar/recipes/recipe.h"

namespace mortar {

class Registry {
 public:
  void AddConnectionType(std::unique_ptr<ConnectionType> type);
  void AddDatasetType(std::unique_ptr<DatasetType> type);
  void AddRecipeType(std::unique_ptr<RecipeType> type);
  // Engines are tried in the order they were added for their recipe type.
  void AddEngine(std::unique_ptr<Engine> engine);

  Result<const ConnectionType*> FindConnectionType(const std::string& name) const;
  Result<const DatasetType*> FindDatasetType(const std::string& name) const;
  Result<const RecipeType*> FindRecipeType(const std::string& name) const;
  std::vector<const Engine*> EnginesFor(const std::string& recipe_type) const;

  std::vector<std::string> ConnectionTypeNames() const;

  Registry();
  ~Registry();
  Registry(Registry&&) noexcept;
  Registry& operator=(Registry&&) noexcept;

 private:
  std::map<std::string, std::unique_ptr<ConnectionType>> connection_types_;
  std::map<std::string, std::unique_ptr<DatasetType>> dataset_types_;
  std::map<std::string, std::unique_ptr<RecipeType>> recipe_types_;
  std::vector<std::unique_ptr<Engine>> engines_;
};

}  // namespace mortar
