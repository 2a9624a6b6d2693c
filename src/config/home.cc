#include "mortar/config/home.h"

#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mortar::config {

namespace fs = std::filesystem;

namespace {

constexpr int kFormatVersion = 1;
constexpr fs::perms kOwnerOnly = fs::perms::owner_read | fs::perms::owner_write;

Result<std::vector<std::string>> ListJsonNames(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  if (!fs::exists(dir, error)) return names;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".json" && entry.is_regular_file()) {
      names.push_back(entry.path().stem().string());
    }
  }
  if (error) return Status::Invalid("cannot list " + dir.string() + ": " + error.message());
  std::sort(names.begin(), names.end());
  return names;
}

template <typename Config>
Result<Config> LoadNamed(const fs::path& dir, std::string_view kind, const std::string& name,
                         const std::string& hint) {
  MORTAR_RETURN_IF_ERROR(ValidateName(kind, name));
  fs::path file = dir / (name + ".json");
  if (!fs::exists(file)) {
    return Status::NotFound("no " + std::string(kind) + " named '" + name + "' (" + hint + ")");
  }
  MORTAR_ASSIGN_OR_RETURN(Json json, ReadJsonFile(file));
  MORTAR_ASSIGN_OR_RETURN(Config config, Config::FromJson(json, file.string()));
  if (config.name != name) {
    return Status::Invalid(file.string() + ": field 'name': '" + config.name +
                           "' does not match the file name '" + name + "'");
  }
  return config;
}

}  // namespace

fs::path Home::DefaultRoot() {
  const char* env = std::getenv("MORTAR_HOME");
  if (env != nullptr && *env != '\0') return fs::path(env);
  return fs::current_path() / "mortar-data";
}

Result<Home> Home::Open(const fs::path& root) {
  fs::path absolute = fs::absolute(root);
  fs::path marker = absolute / "mortar.json";
  if (!fs::exists(marker)) {
    return Status::NotFound("no Mortar data directory at " + absolute.string() +
                            " (run 'mortar init' or set MORTAR_HOME / --home)");
  }
  MORTAR_ASSIGN_OR_RETURN(Json json, ReadJsonFile(marker));
  ConfigObject object(json, marker.string());
  MORTAR_ASSIGN_OR_RETURN(int64_t version, object.IntegerOr("format_version", 0));
  if (version != kFormatVersion) {
    return object.Error("format_version", "expected " + std::to_string(kFormatVersion) +
                                              ", found " + std::to_string(version));
  }
  return Home(absolute);
}

Result<Home> Home::Init(const fs::path& root) {
  fs::path absolute = fs::absolute(root);
  Home home(absolute);
  std::error_code error;
  for (const fs::path& dir : {absolute, home.ConnectionsDir(), home.ProjectsDir(), home.JobsDir(),
                              home.DriversDir() / "databricks", home.SecurityDir(),
                              absolute / "files", absolute / "sqlite"}) {
    fs::create_directories(dir, error);
    if (error) return Status::Invalid("cannot create " + dir.string() + ": " + error.message());
  }
  fs::permissions(home.SecurityDir(), fs::perms::owner_all, error);
  fs::path marker = absolute / "mortar.json";
  if (!fs::exists(marker)) {
    MORTAR_RETURN_IF_ERROR(WriteJsonFile(marker, Json{{"format_version", kFormatVersion}}));
  }
  if (!fs::exists(home.KeyFile())) {
    unsigned char key[32];
    if (RAND_bytes(key, sizeof(key)) != 1) return Status::Internal("no random bytes for the key");
    std::string hex;
    static constexpr char kDigits[] = "0123456789abcdef";
    for (unsigned char byte : key) {
      hex += kDigits[byte >> 4];
      hex += kDigits[byte & 15];
    }
    MORTAR_RETURN_IF_ERROR(WriteTextFile(home.KeyFile(), "1 " + hex + "\n", kOwnerOnly));
  }
  fs::path users = home.SecurityDir() / "users.json";
  if (!fs::exists(users)) {
    Json json = {{"users", Json::array({{{"name", "admin"},
                                         {"display_name", "Administrator"},
                                         {"groups", Json::array({"administrators"})},
                                         {"admin", true}}})}};
    MORTAR_RETURN_IF_ERROR(WriteJsonFile(users, json, kOwnerOnly));
  }
  fs::path groups = home.SecurityDir() / "groups.json";
  if (!fs::exists(groups)) {
    Json json = {
        {"groups", Json::array({{{"name", "administrators"}},
                                {{"name", "analysts"}, {"description", "Every analyst"}}})}};
    MORTAR_RETURN_IF_ERROR(WriteJsonFile(groups, json, kOwnerOnly));
  }
  // Every user may keep datasets on the embedded defaults; free SQL stays with admins.
  const Json everyone_uses = {{"use", {{"mode", "analysts"}}}};
  if (!fs::exists(home.ConnectionsDir() / "filesystem_default.json")) {
    ConnectionConfig files{"filesystem_default",
                           "filesystem",
                           "Files inside the data directory (embedded default)",
                           Json{{"root", "files"}},
                           everyone_uses,
                           ""};
    MORTAR_RETURN_IF_ERROR(home.SaveConnection(files));
  }
  if (!fs::exists(home.ConnectionsDir() / "sqlite_default.json")) {
    ConnectionConfig sqlite{"sqlite_default",
                            "sqlite",
                            "SQLite database inside the data directory (embedded default)",
                            Json{{"path", "sqlite/default.db"}},
                            everyone_uses,
                            ""};
    MORTAR_RETURN_IF_ERROR(home.SaveConnection(sqlite));
  }
  return home;
}

fs::path Home::Resolve(const std::string& path) const {
  fs::path p(path);
  return p.is_absolute() ? p : root_ / p;
}

Result<std::vector<std::string>> Home::ListConnections() const {
  return ListJsonNames(ConnectionsDir());
}

Result<ConnectionConfig> Home::LoadConnection(const std::string& name) const {
  return LoadNamed<ConnectionConfig>(ConnectionsDir(), "connection", name,
                                     "see 'mortar connection list'");
}

Status Home::SaveConnection(const ConnectionConfig& config) const {
  MORTAR_RETURN_IF_ERROR(ValidateName("connection", config.name));
  return WriteJsonFile(ConnectionsDir() / (config.name + ".json"), config.ToJson(), kOwnerOnly);
}

Status Home::DeleteConnection(const std::string& name) const {
  MORTAR_RETURN_IF_ERROR(ValidateName("connection", name));
  fs::path file = ConnectionsDir() / (name + ".json");
  if (!fs::exists(file)) return Status::NotFound("no connection named '" + name + "'");
  std::error_code error;
  fs::remove(file, error);
  if (error) return Status::Invalid("cannot delete " + file.string() + ": " + error.message());
  return Status::OK();
}

Result<std::vector<User>> Home::LoadUsers() const {
  fs::path file = SecurityDir() / "users.json";
  MORTAR_ASSIGN_OR_RETURN(Json json, ReadJsonFile(file));
  ConfigObject object(json, file.string());
  MORTAR_RETURN_IF_ERROR(object.CheckObject({"users"}));
  MORTAR_ASSIGN_OR_RETURN(auto entries, object.Array("users"));
  std::vector<User> users;
  for (const auto& entry : entries) {
    MORTAR_RETURN_IF_ERROR(
        entry.CheckObject({"name", "display_name", "groups", "admin", "password_hash"}));
    User user;
    MORTAR_ASSIGN_OR_RETURN(user.name, entry.String("name"));
    if (Status status = ValidateName("user", user.name); !status.ok()) {
      return entry.Error("name", status.message());
    }
    MORTAR_ASSIGN_OR_RETURN(user.display_name, entry.StringOr("display_name", user.name));
    MORTAR_ASSIGN_OR_RETURN(user.groups, entry.StringsOr("groups", {}));
    MORTAR_ASSIGN_OR_RETURN(user.admin, entry.BooleanOr("admin", false));
    users.push_back(std::move(user));
  }
  return users;
}

Result<std::vector<Group>> Home::LoadGroups() const {
  fs::path file = SecurityDir() / "groups.json";
  MORTAR_ASSIGN_OR_RETURN(Json json, ReadJsonFile(file));
  ConfigObject object(json, file.string());
  MORTAR_RETURN_IF_ERROR(object.CheckObject({"groups"}));
  MORTAR_ASSIGN_OR_RETURN(auto entries, object.Array("groups"));
  std::vector<Group> groups;
  for (const auto& entry : entries) {
    MORTAR_RETURN_IF_ERROR(entry.CheckObject({"name", "description"}));
    Group group;
    MORTAR_ASSIGN_OR_RETURN(group.name, entry.String("name"));
    MORTAR_ASSIGN_OR_RETURN(group.description, entry.StringOr("description", ""));
    groups.push_back(std::move(group));
  }
  return groups;
}

Result<User> Home::FindUser(const std::string& name) const {
  MORTAR_ASSIGN_OR_RETURN(auto users, LoadUsers());
  for (auto& user : users) {
    if (user.name == name) return user;
  }
  return Status::NotFound("no user named '" + name + "' in " +
                          (SecurityDir() / "users.json").string());
}

Result<std::vector<std::string>> Home::ListProjects() const {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(ProjectsDir(), error)) {
    if (entry.is_directory() && fs::exists(entry.path() / "project.json")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<Project> Home::OpenProject(const std::string& name) const {
  MORTAR_RETURN_IF_ERROR(ValidateName("project", name));
  fs::path dir = ProjectsDir() / name;
  if (!fs::exists(dir / "project.json")) {
    return Status::NotFound("no project named '" + name + "' (see 'mortar project list')");
  }
  MORTAR_ASSIGN_OR_RETURN(Json json, ReadJsonFile(dir / "project.json"));
  ConfigObject object(json, (dir / "project.json").string());
  MORTAR_RETURN_IF_ERROR(object.CheckObject({"name", "description", "permissions"}));
  return Project(name, dir);
}

Result<Project> Home::CreateProject(const std::string& name, const std::string& description) const {
  MORTAR_RETURN_IF_ERROR(ValidateName("project", name));
  fs::path dir = ProjectsDir() / name;
  std::error_code error;
  fs::create_directories(dir / "datasets", error);
  fs::create_directories(dir / "recipes", error);
  if (error) return Status::Invalid("cannot create " + dir.string() + ": " + error.message());
  if (!fs::exists(dir / "project.json")) {
    MORTAR_RETURN_IF_ERROR(
        WriteJsonFile(dir / "project.json", Json{{"name", name}, {"description", description}}));
  }
  return Project(name, dir);
}

Result<std::vector<std::string>> Project::ListDatasets() const {
  return ListJsonNames(dir_ / "datasets");
}

Result<DatasetConfig> Project::LoadDataset(const std::string& name) const {
  return LoadNamed<DatasetConfig>(dir_ / "datasets", "dataset", name,
                                  "in project '" + name_ + "'; see 'mortar dataset list'");
}

Status Project::SaveDataset(const DatasetConfig& config) const {
  MORTAR_RETURN_IF_ERROR(ValidateName("dataset", config.name));
  return WriteJsonFile(dir_ / "datasets" / (config.name + ".json"), config.ToJson());
}

Status Project::DeleteDataset(const std::string& name) const {
  MORTAR_RETURN_IF_ERROR(ValidateName("dataset", name));
  std::error_code error;
  fs::remove(dir_ / "datasets" / (name + ".json"), error);
  return Status::OK();
}

Result<std::vector<std::string>> Project::ListRecipes() const {
  return ListJsonNames(dir_ / "recipes");
}

Result<RecipeConfig> Project::LoadRecipe(const std::string& name) const {
  return LoadNamed<RecipeConfig>(dir_ / "recipes", "recipe", name,
                                 "in project '" + name_ + "'; see 'mortar recipe list'");
}

Status Project::SaveRecipe(const RecipeConfig& config) const {
  MORTAR_RETURN_IF_ERROR(ValidateName("recipe", config.name));
  return WriteJsonFile(dir_ / "recipes" / (config.name + ".json"), config.ToJson());
}

}  // namespace mortar::config
