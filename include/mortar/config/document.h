// A validated view of one JSON config file: typed field access whose errors name the
// file, the field and what was expected. Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mortar/core/result.h"

namespace mortar::config {

// The file and field of a configuration that is wrong ("connections/x.json",
// "auth.type"), for tools that point at it.
class ConfigFieldDetail final : public StatusDetail {
 public:
  ConfigFieldDetail(std::string file, std::string field)
      : file(std::move(file)), field(std::move(field)) {}
  std::string ToString() const override { return "field=" + field + ", file=" + file; }

  std::string file;
  std::string field;
};

using Json = nlohmann::json;

// Reads and parses a JSON file of at most kMaxJsonFileBytes; syntax errors name the
// file, line and column.
Result<Json> ReadJsonFile(const std::filesystem::path& path);
// Mortar's own JSON files (projects, datasets, recipes, jobs, settings) are small: a
// larger one is refused before it is read, not parsed into memory.
inline constexpr std::uintmax_t kMaxJsonFileBytes = 16 << 20;
// Writes atomically (temporary file + rename), with the given mode bits.
Status WriteJsonFile(const std::filesystem::path& path, const Json& value,
                     std::filesystem::perms perms = std::filesystem::perms::owner_read |
                                                    std::filesystem::perms::owner_write |
                                                    std::filesystem::perms::group_read);
Status WriteTextFile(const std::filesystem::path& path, std::string_view text,
                     std::filesystem::perms perms);

// A JSON object with the name of the file it came from and its path inside it.
class ConfigObject {
 public:
  ConfigObject(const Json& value, std::string file, std::string path = {});

  // Fails unless the value is an object with only the allowed keys.
  Status CheckObject(const std::vector<std::string>& allowed) const;
  bool Has(const std::string& key) const;

  Result<std::string> String(const std::string& key) const;
  Result<std::string> StringOr(const std::string& key, std::string fallback) const;
  Result<int64_t> IntegerOr(const std::string& key, int64_t fallback) const;
  Result<bool> BooleanOr(const std::string& key, bool fallback) const;
  Result<std::vector<std::string>> StringsOr(const std::string& key,
                                             std::vector<std::string> fallback) const;
  // One of `choices`; the error lists them.
  Result<std::string> ChoiceOr(const std::string& key, const std::vector<std::string>& choices,
                               std::string fallback) const;
  Result<ConfigObject> Object(const std::string& key) const;
  // An object, or an empty one when absent.
  Result<ConfigObject> ObjectOr(const std::string& key) const;
  Result<std::vector<ConfigObject>> Array(const std::string& key) const;

  const Json& json() const { return *value_; }
  const std::string& file() const { return file_; }
  std::string FieldPath(const std::string& key) const;
  // "<file>: field '<path>': <what>"
  Status Error(const std::string& key, const std::string& what) const;

 private:
  const Json* value_;
  std::string file_;
  std::string path_;
};

}  // namespace mortar::config
