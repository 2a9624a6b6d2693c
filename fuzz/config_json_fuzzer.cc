// The JSON files of a data directory: a connection, dataset or recipe file, however it
// was edited, is read with clear errors and never crashes Mortar. A connection file
// that reads is also opened as its type would open it (no connection is made:
// Databricks, S3 and Azure connect on first use).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "mortar/config/home.h"
#include "mortar/config/model.h"
#include "mortar/connectors/connection.h"
#include "mortar/connectors/registry.h"

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const mortar::Registry registry = mortar::BuiltinRegistry();
  auto json = mortar::config::Json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  (void)mortar::config::DatasetConfig::FromJson(json, "fuzz.json");
  (void)mortar::config::RecipeConfig::FromJson(json, "fuzz.json");
  auto connection = mortar::config::ConnectionConfig::FromJson(json, "fuzz.json");
  if (!connection.ok()) return 0;
  // Files and SQLite connections would create folders and databases where the
  // input says; the others only parse their settings here.
  if (connection->type != "databricks" && connection->type != "s3" &&
      connection->type != "azure_blob") {
    return 0;
  }
  auto type = registry.FindConnectionType(connection->type);
  if (!type.ok()) return 0;
  mortar::OpenScope scope{FuzzHome(), "admin"};
  (void)(*type)->Create(*connection, scope);
  return 0;
}
