// How a connector plugs in: a connection type builds connections from their
// definitions, a dataset type builds datasets on them. Each connector makes its own;
// the registry of built-ins (mortar/builtin/builtin_registry.h) holds them all.
#pragma once

#include <memory>
#include <string_view>

#include "mortar/connectors/dataset.h"

namespace mortar {

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

}  // namespace mortar
