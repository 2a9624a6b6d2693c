// The JSON files of a data directory: a connection, dataset or recipe file, however it
// was edited, is read with clear errors and never crashes Mortar. A connection file
// that reads is also opened as its type would open it (no connection is made:
// Databricks, S3 and Azure connect on first use).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "connectors/azure/azure_connection.h"
#include "connectors/databricks/databricks_connection.h"
#include "connectors/s3/s3_connection.h"
#include "mortar/config/home.h"
#include "mortar/config/model.h"
#include "mortar/connectors/connection.h"

namespace {

const mortar::config::Home& FuzzHome() {
  static const mortar::config::Home home = [] {
    auto root =
        std::filesystem::temp_directory_path() / ("mortar-fuzz-home-" + std::to_string(getpid()));
    auto opened = mortar::config::Home::Open(root);
    if (!opened.ok()) __builtin_trap();
    return *opened;
  }();
  return home;
}

// The connection types whose Create only parses (files and SQLite connections would
// create folders and databases where the input says).
const mortar::ConnectionType* ParsingType(const std::string& name) {
  static const auto types = [] {
    std::map<std::string, std::unique_ptr<mortar::ConnectionType>> made;
    auto add = [&made](std::unique_ptr<mortar::ConnectionType> type) {
      made.emplace(std::string(type->name()), std::move(type));
    };
    add(mortar::databricks::MakeDatabricksConnectionType());
    add(mortar::s3::MakeS3ConnectionType());
    add(mortar::azure::MakeAzureBlobConnectionType());
    return made;
  }();
  auto found = types.find(name);
  return found == types.end() ? nullptr : found->second.get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  auto json = mortar::config::Json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  (void)mortar::config::DatasetConfig::FromJson(json, "fuzz.json");
  (void)mortar::config::RecipeConfig::FromJson(json, "fuzz.json");
  auto connection = mortar::config::ConnectionConfig::FromJson(json, "fuzz.json");
  if (!connection.ok()) return 0;
  const mortar::ConnectionType* type = ParsingType(connection->type);
  if (type == nullptr) return 0;
  mortar::OpenScope scope{FuzzHome(), "admin"};
  (void)type->Create(*connection, scope);
  return 0;
}
