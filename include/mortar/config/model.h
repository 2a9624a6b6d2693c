// The things a data directory holds, as plain values parsed from their files:
// connections, datasets, recipes, users and groups.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mortar/config/document.h"
#include "mortar/core/schema.h"

namespace mortar::config {

// Names of connections, projects, datasets and recipes: letters, digits, '_' and
// '-', starting with a letter or digit, at most 64 characters (they are file names).
Status ValidateName(std::string_view kind, std::string_view name);

struct ConnectionConfig {
  std::string name;
  std::string type;
  std::string description;
  Json params = Json::object();  // type-specific; validated by the connection type
  // Who may use it: {"use": RULE, "free_sql": RULE}; see security/permissions.h.
  Json permissions = Json::object();
  std::string file;  // where it was loaded from, for messages

  static Result<ConnectionConfig> FromJson(const Json& json, const std::string& file);
  Json ToJson() const;
};

struct DatasetConfig {
  std::string name;
  std::string connection;
  std::string type;  // "files", "sql_table", "sql_query"
  Json params = Json::object();
  std::optional<Schema> schema;  // declared schema; absent until detected or written
  std::string file;

  static Result<DatasetConfig> FromJson(const Json& json, const std::string& file);
  Json ToJson() const;
};

struct RecipeConfig {
  std::string name;
  std::string type;  // "sync", "sql", "group", ...
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::string engine;  // empty: chosen automatically
  Json params = Json::object();
  std::string file;

  static Result<RecipeConfig> FromJson(const Json& json, const std::string& file);
  Json ToJson() const;
};

struct User {
  std::string name;
  std::string display_name;
  std::vector<std::string> groups;
  bool admin = false;
};

struct Group {
  std::string name;
  std::string description;
};

Json SchemaToJson(const Schema& schema);
Result<Schema> SchemaFromJson(const ConfigObject& object, const std::string& key);

}  // namespace mortar::config
