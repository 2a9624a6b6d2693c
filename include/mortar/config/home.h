// The data directory (MORTAR_HOME): connections, users and groups, projects with
// their datasets and recipes, the secret key, job logs and lib/drivers/.
//
//   <home>/mortar.json                     format version
//   <home>/secret.key                      the vault's keys ("<id> <hex>"), mode 0600
//   <home>/security/vault.json             secrets, encrypted (see security/vault.h)
//   <home>/connections/<name>.json
//   <home>/security/users.json, groups.json
//   <home>/projects/<project>/project.json
//   <home>/projects/<project>/datasets/<name>.json
//   <home>/projects/<project>/recipes/<name>.json
//   <home>/projects/<project>/state/       build stamps (Mortar's own)
//   <home>/jobs/<job-id>/log.txt
//   <home>/files/                          the embedded filesystem connection
//   <home>/sqlite/default.db               the embedded SQLite connection
//   <home>/lib/drivers/
//
// Files are human-editable and validated on every load. Thread-compatible.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "mortar/config/model.h"

namespace mortar::config {

class Project;

class Home {
 public:
  // $MORTAR_HOME, else ./mortar-data.
  static std::filesystem::path DefaultRoot();
  // Opens an initialised data directory.
  static Result<Home> Open(const std::filesystem::path& root);
  // Creates the layout and the embedded default connections; harmless when done.
  static Result<Home> Init(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path ConnectionsDir() const { return root_ / "connections"; }
  std::filesystem::path ProjectsDir() const { return root_ / "projects"; }
  std::filesystem::path JobsDir() const { return root_ / "jobs"; }
  std::filesystem::path DriversDir() const { return root_ / "lib" / "drivers"; }
  std::filesystem::path KeyFile() const { return root_ / "secret.key"; }
  std::filesystem::path SecurityDir() const { return root_ / "security"; }

  // Resolves a path from a config file: absolute as is, relative to the home.
  std::filesystem::path Resolve(const std::string& path) const;

  Result<std::vector<std::string>> ListConnections() const;
  Result<ConnectionConfig> LoadConnection(const std::string& name) const;
  Status SaveConnection(const ConnectionConfig& config) const;
  Status DeleteConnection(const std::string& name) const;

  Result<std::vector<User>> LoadUsers() const;
  Result<std::vector<Group>> LoadGroups() const;
  Result<User> FindUser(const std::string& name) const;

  Result<std::vector<std::string>> ListProjects() const;
  Result<Project> OpenProject(const std::string& name) const;
  Result<Project> CreateProject(const std::string& name, const std::string& description) const;

 private:
  explicit Home(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

class Project {
 public:
  Project(std::string name, std::filesystem::path dir)
      : name_(std::move(name)), dir_(std::move(dir)) {}

  const std::string& name() const { return name_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path StateDir() const { return dir_ / "state"; }

  Result<std::vector<std::string>> ListDatasets() const;
  Result<DatasetConfig> LoadDataset(const std::string& name) const;
  Status SaveDataset(const DatasetConfig& config) const;
  Status DeleteDataset(const std::string& name) const;

  Result<std::vector<std::string>> ListRecipes() const;
  Result<RecipeConfig> LoadRecipe(const std::string& name) const;
  Status SaveRecipe(const RecipeConfig& config) const;

 private:
  std::string name_;
  std::filesystem::path dir_;
};

}  // namespace mortar::config
