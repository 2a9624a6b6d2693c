#include "mortar/config/document.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <random>

namespace mortar::config {

namespace fs = std::filesystem;

namespace {

std::string TypeName(const Json& value) {
  if (value.is_null()) return "null";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_array()) return "a list";
  return "an object";
}

}  // namespace

Result<Json> ReadJsonFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path.string() + ": file not found or not readable");
  // Read up to the limit (a FIFO or a file still growing has no size to check first).
  std::string text;
  char block[1 << 16];
  while (in.read(block, sizeof block) || in.gcount() > 0) {
    text.append(block, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxJsonFileBytes) {
      return Status::Invalid(path.string() + ": larger than a Mortar file is (" +
                             std::to_string(kMaxJsonFileBytes >> 20) +
                             " MiB at most): check that it is the right file");
    }
  }
  Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (value.is_discarded()) {
    // Find where parsing stops to give line and column.
    std::size_t line = 1;
    std::size_t column = 1;
    std::string message = "not valid JSON";
    try {
      Json unused = Json::parse(text, nullptr, true, true);
      (void)unused;
    } catch (const Json::parse_error& error) {
      std::size_t offset = error.byte == 0 ? 0 : error.byte - 1;
      for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
          ++line;
          column = 1;
        } else {
          ++column;
        }
      }
      std::string what = error.what();
      auto colon = what.rfind(": ");
      message = colon == std::string::npos ? what : what.substr(colon + 2);
    }
    return Status::Invalid(path.string() + ": line " + std::to_string(line) + ", column " +
                           std::to_string(column) + ": " + message);
  }
  return value;
}

Status WriteTextFile(const fs::path& path, std::string_view text, fs::perms perms) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error) {
    return Status::Invalid("cannot create folder " + path.parent_path().string() + ": " +
                           error.message());
  }
  std::random_device random;
  fs::path temporary = path;
  temporary += ".tmp-" + std::to_string(random());
  mode_t mode = static_cast<mode_t>(perms);
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Status::Invalid("cannot write " + path.string() + ": " + strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) {
      ::close(fd);
      fs::remove(temporary, error);
      return Status::Invalid("cannot write " + path.string() + ": " + strerror(errno));
    }
    written += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  fs::rename(temporary, path, error);
  if (error) {
    fs::remove(temporary, error);
    return Status::Invalid("cannot replace " + path.string() + ": " + error.message());
  }
  return Status::OK();
}

Status WriteJsonFile(const fs::path& path, const Json& value, fs::perms perms) {
  return WriteTextFile(path, value.dump(2) + "\n", perms);
}

ConfigObject::ConfigObject(const Json& value, std::string file, std::string path)
    : value_(&value), file_(std::move(file)), path_(std::move(path)) {}

std::string ConfigObject::FieldPath(const std::string& key) const {
  if (path_.empty()) return key;
  if (key.empty()) return path_;
  return path_ + "." + key;
}

Status ConfigObject::Error(const std::string& key, const std::string& what) const {
  std::string field = FieldPath(key);
  if (field.empty()) return Status::Invalid(file_ + ": " + what);
  return Status::Invalid(file_ + ": field '" + field + "': " + what)
      .WithDetail(ConfigFieldDetail(file_, field));
}

Status ConfigObject::CheckObject(const std::vector<std::string>& allowed) const {
  if (!value_->is_object()) return Error("", "expected an object, found " + TypeName(*value_));
  for (const auto& [key, unused] : value_->items()) {
    bool known = false;
    for (const auto& name : allowed) known = known || name == key;
    if (!known) {
      std::string list;
      for (const auto& name : allowed) list += (list.empty() ? "" : ", ") + name;
      return Error(key, "unknown field (expected one of: " + list + ")");
    }
  }
  return Status::OK();
}

bool ConfigObject::Has(const std::string& key) const {
  return value_->is_object() && value_->contains(key) && !(*value_)[key].is_null();
}

Result<std::string> ConfigObject::String(const std::string& key) const {
  if (!Has(key)) return Error(key, "missing; expected a string");
  const Json& value = (*value_)[key];
  if (!value.is_string()) return Error(key, "expected a string, found " + TypeName(value));
  return value.get<std::string>();
}

Result<std::string> ConfigObject::StringOr(const std::string& key, std::string fallback) const {
  if (!Has(key)) return fallback;
  return String(key);
}

Result<int64_t> ConfigObject::IntegerOr(const std::string& key, int64_t fallback) const {
  if (!Has(key)) return fallback;
  const Json& value = (*value_)[key];
  if (!value.is_number_integer())
    return Error(key, "expected a whole number, found " + TypeName(value));
  return value.get<int64_t>();
}

Result<bool> ConfigObject::BooleanOr(const std::string& key, bool fallback) const {
  if (!Has(key)) return fallback;
  const Json& value = (*value_)[key];
  if (!value.is_boolean()) return Error(key, "expected true or false, found " + TypeName(value));
  return value.get<bool>();
}

Result<std::vector<std::string>> ConfigObject::StringsOr(const std::string& key,
                                                         std::vector<std::string> fallback) const {
  if (!Has(key)) return fallback;
  const Json& value = (*value_)[key];
  if (!value.is_array()) return Error(key, "expected a list of strings, found " + TypeName(value));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) {
      return Error(key + "[" + std::to_string(i) + "]",
                   "expected a string, found " + TypeName(value[i]));
    }
    out.push_back(value[i].get<std::string>());
  }
  return out;
}

Result<std::string> ConfigObject::ChoiceOr(const std::string& key,
                                           const std::vector<std::string>& choices,
                                           std::string fallback) const {
  MORTAR_ASSIGN_OR_RETURN(std::string value, StringOr(key, std::move(fallback)));
  for (const auto& choice : choices) {
    if (choice == value) return value;
  }
  std::string list;
  for (const auto& choice : choices) list += (list.empty() ? "" : ", ") + choice;
  return Error(key, "'" + value + "' is not one of: " + list);
}

Result<ConfigObject> ConfigObject::Object(const std::string& key) const {
  if (!Has(key)) return Error(key, "missing; expected an object");
  const Json& value = (*value_)[key];
  if (!value.is_object()) return Error(key, "expected an object, found " + TypeName(value));
  return ConfigObject(value, file_, FieldPath(key));
}

Result<ConfigObject> ConfigObject::ObjectOr(const std::string& key) const {
  static const Json kEmpty = Json::object();
  if (!Has(key)) return ConfigObject(kEmpty, file_, FieldPath(key));
  return Object(key);
}

Result<std::vector<ConfigObject>> ConfigObject::Array(const std::string& key) const {
  std::vector<ConfigObject> out;
  if (!Has(key)) return out;
  const Json& value = (*value_)[key];
  if (!value.is_array()) return Error(key, "expected a list, found " + TypeName(value));
  for (std::size_t i = 0; i < value.size(); ++i) {
    out.emplace_back(value[i], file_, FieldPath(key) + "[" + std::to_string(i) + "]");
  }
  return out;
}

}  // namespace mortar::config
