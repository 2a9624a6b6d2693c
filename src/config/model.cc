#include "mortar/config/model.h"

namespace mortar::config {

Status ValidateName(std::string_view kind, std::string_view name) {
  auto fail = [&](const std::string& why) {
    return Status::Invalid("invalid " + std::string(kind) + " name '" + std::string(name) +
                           "': " + why);
  };
  if (name.empty()) return fail("it is empty");
  if (name.size() > 64) return fail("at most 64 characters");
  if (!std::isalnum(static_cast<unsigned char>(name[0]))) {
    return fail("it must start with a letter or a digit");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return fail("only letters, digits, '_' and '-' are allowed");
    }
  }
  return Status::OK();
}

Json SchemaToJson(const Schema& schema) {
  Json columns = Json::array();
  for (const auto& column : schema.columns()) {
    Json entry = {{"name", column.name}, {"type", column.type.ToString()}};
    if (!column.nullable) entry["nullable"] = false;
    columns.push_back(entry);
  }
  return columns;
}

Result<Schema> SchemaFromJson(const ConfigObject& object, const std::string& key) {
  MORTAR_ASSIGN_OR_RETURN(auto columns, object.Array(key));
  Schema schema;
  for (const auto& column : columns) {
    MORTAR_RETURN_IF_ERROR(column.CheckObject({"name", "type", "nullable", "comment"}));
    MORTAR_ASSIGN_OR_RETURN(std::string name, column.String("name"));
    MORTAR_ASSIGN_OR_RETURN(std::string type_text, column.String("type"));
    auto type = Type::Parse(type_text);
    if (!type.ok()) return column.Error("type", type.status().message());
    MORTAR_ASSIGN_OR_RETURN(bool nullable, column.BooleanOr("nullable", true));
    if (schema.IndexOf(name) && schema[*schema.IndexOf(name)].name == name) {
      return column.Error("name", "column '" + name + "' appears twice");
    }
    schema.Add(Column{name, *type, nullable});
  }
  return schema;
}

Result<ConnectionConfig> ConnectionConfig::FromJson(const Json& json, const std::string& file) {
  ConfigObject object(json, file);
  MORTAR_RETURN_IF_ERROR(
      object.CheckObject({"name", "type", "description", "params", "permissions"}));
  ConnectionConfig config;
  config.file = file;
  MORTAR_ASSIGN_OR_RETURN(config.name, object.String("name"));
  if (Status status = ValidateName("connection", config.name); !status.ok()) {
    return object.Error("name", status.message());
  }
  MORTAR_ASSIGN_OR_RETURN(config.type, object.String("type"));
  MORTAR_ASSIGN_OR_RETURN(config.description, object.StringOr("description", ""));
  MORTAR_ASSIGN_OR_RETURN(auto params, object.ObjectOr("params"));
  config.params = params.json();
  MORTAR_ASSIGN_OR_RETURN(auto permissions, object.ObjectOr("permissions"));
  MORTAR_RETURN_IF_ERROR(permissions.CheckObject({"use", "free_sql"}));
  config.permissions = permissions.json();
  return config;
}

Json ConnectionConfig::ToJson() const {
  Json json = {{"name", name}, {"type", type}, {"params", params}};
  if (!description.empty()) json["description"] = description;
  if (!permissions.empty()) json["permissions"] = permissions;
  return json;
}

Result<DatasetConfig> DatasetConfig::FromJson(const Json& json, const std::string& file) {
  ConfigObject object(json, file);
  MORTAR_RETURN_IF_ERROR(object.CheckObject({"name", "connection", "type", "params", "schema"}));
  DatasetConfig config;
  config.file = file;
  MORTAR_ASSIGN_OR_RETURN(config.name, object.String("name"));
  if (Status status = ValidateName("dataset", config.name); !status.ok()) {
    return object.Error("name", status.message());
  }
  MORTAR_ASSIGN_OR_RETURN(config.connection, object.String("connection"));
  MORTAR_ASSIGN_OR_RETURN(config.type, object.String("type"));
  MORTAR_ASSIGN_OR_RETURN(auto params, object.ObjectOr("params"));
  config.params = params.json();
  if (object.Has("schema")) {
    MORTAR_ASSIGN_OR_RETURN(Schema schema, SchemaFromJson(object, "schema"));
    config.schema = std::move(schema);
  }
  return config;
}

Json DatasetConfig::ToJson() const {
  Json json = {{"name", name}, {"connection", connection}, {"type", type}, {"params", params}};
  if (schema) json["schema"] = SchemaToJson(*schema);
  return json;
}

Result<RecipeConfig> RecipeConfig::FromJson(const Json& json, const std::string& file) {
  ConfigObject object(json, file);
  MORTAR_RETURN_IF_ERROR(
      object.CheckObject({"name", "type", "inputs", "outputs", "engine", "params"}));
  RecipeConfig config;
  config.file = file;
  MORTAR_ASSIGN_OR_RETURN(config.name, object.String("name"));
  if (Status status = ValidateName("recipe", config.name); !status.ok()) {
    return object.Error("name", status.message());
  }
  MORTAR_ASSIGN_OR_RETURN(config.type, object.String("type"));
  MORTAR_ASSIGN_OR_RETURN(config.inputs, object.StringsOr("inputs", {}));
  MORTAR_ASSIGN_OR_RETURN(config.outputs, object.StringsOr("outputs", {}));
  if (config.outputs.empty()) return object.Error("outputs", "a recipe needs at least one output");
  MORTAR_ASSIGN_OR_RETURN(config.engine, object.StringOr("engine", ""));
  MORTAR_ASSIGN_OR_RETURN(auto params, object.ObjectOr("params"));
  config.params = params.json();
  return config;
}

Json RecipeConfig::ToJson() const {
  Json json = {
      {"name", name}, {"type", type}, {"inputs", inputs}, {"outputs", outputs}, {"params", params}};
  if (!engine.empty()) json["engine"] = engine;
  return json;
}

}  // namespace mortar::config
