// The plug-in registry: connection types, dataset types, recipe types and engines.
// A registry is built once (BuiltinRegistry) and read from many threads afterwards.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mortar/connectors/dataset.h"

namespace mortar {

namespace config {
class Home;
}

class ConnectionType {
 public:
  virtual ~ConnectionType() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  // Validates params and builds the connection; does not reach the peer.
  virtual Result<std::unique_ptr<Connection>> Create(const config::ConnectionConfig& config,
                                                     const OpenScope& scope) const = 0;
};

class DatasetType {
 public:
  virtual ~DatasetType() = default;
  virtual std::string_view name() const = 0;
  // Validates params against the connection and builds the dataset.
  virtual Result<std::unique_ptr<Dataset>> Create(const config::DatasetConfig& config,
                                                  Connection& connection) const = 0;
};

class RecipeType;
class Engine;

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

// A registry holding everything Mortar ships (one registration line per plug-in in
// src/connectors/builtin.cc).
Registry BuiltinRegistry();

}  // namespace mortar
