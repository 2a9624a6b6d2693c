#include "mortar/recipes/registry.h"

namespace mortar {

Registry::Registry() = default;
Registry::~Registry() = default;
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;

void Registry::AddConnectionType(std::unique_ptr<ConnectionType> type) {
  std::string key(type->name());
  connection_types_[key] = std::move(type);
}

void Registry::AddDatasetType(std::unique_ptr<DatasetType> type) {
  std::string key(type->name());
  dataset_types_[key] = std::move(type);
}

void Registry::AddRecipeType(std::unique_ptr<RecipeType> type) {
  std::string key(type->name());
  recipe_types_[key] = std::move(type);
}

void Registry::AddEngine(std::unique_ptr<Engine> engine) {
  engines_.push_back(std::move(engine));
}

namespace {

template <typename Map>
std::string KnownNames(const Map& map) {
  std::string names;
  for (const auto& [name, unused] : map) names += (names.empty() ? "" : ", ") + name;
  return names;
}

}  // namespace

Result<const ConnectionType*> Registry::FindConnectionType(const std::string& name) const {
  auto it = connection_types_.find(name);
  if (it == connection_types_.end()) {
    return Status::Invalid("unknown connection type '" + name +
                           "' (known: " + KnownNames(connection_types_) + ")");
  }
  return it->second.get();
}

Result<const DatasetType*> Registry::FindDatasetType(const std::string& name) const {
  auto it = dataset_types_.find(name);
  if (it == dataset_types_.end()) {
    return Status::Invalid("unknown dataset type '" + name +
                           "' (known: " + KnownNames(dataset_types_) + ")");
  }
  return it->second.get();
}

Result<const RecipeType*> Registry::FindRecipeType(const std::string& name) const {
  auto it = recipe_types_.find(name);
  if (it == recipe_types_.end()) {
    return Status::Invalid("unknown recipe type '" + name +
                           "' (known: " + KnownNames(recipe_types_) + ")");
  }
  return it->second.get();
}

std::vector<const Engine*> Registry::EnginesFor(const std::string& recipe_type) const {
  std::vector<const Engine*> engines;
  for (const auto& engine : engines_) {
    if (engine->recipe_type() == recipe_type) engines.push_back(engine.get());
  }
  return engines;
}

std::vector<std::string> Registry::ConnectionTypeNames() const {
  std::vector<std::string> names;
  for (const auto& [name, unused] : connection_types_) names.push_back(name);
  return names;
}

}  // namespace mortar
