#include "mortar/flow/context.h"

namespace mortar {

Context::Context(config::Home home, std::shared_ptr<const Registry> registry, std::string user,
                 std::shared_ptr<auth::TokenSourceCache> tokens)
    : home_(std::move(home)),
      registry_(std::move(registry)),
      user_(std::move(user)),
      tokens_(tokens ? std::move(tokens) : std::make_shared<auth::TokenSourceCache>()) {}

Context::~Context() {
  // Datasets refer to connections: close them first.
  datasets_.clear();
  connections_.clear();
}

Status Context::SelectProject(const std::optional<std::string>& name) {
  std::string chosen;
  if (name) {
    chosen = *name;
  } else {
    MORTAR_ASSIGN_OR_RETURN(auto projects, home_.ListProjects());
    if (projects.size() != 1) return Status::OK();
    chosen = projects.front();
  }
  MORTAR_ASSIGN_OR_RETURN(config::Project project, home_.OpenProject(chosen));
  // A project the user may not see is refused when it is used, so that commands that
  // need no project still run.
  project_.reset();
  project_refused_ =
      security::RequireProjectRole(home_, user_, project.name(), security::ProjectRole::kRead);
  if (project_refused_.ok()) project_ = std::move(project);
  return Status::OK();
}

Status Context::RequireProjectRole(security::ProjectRole role) const {
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, this->project());
  return security::RequireProjectRole(home_, user_, project->name(), role);
}

Status Context::RequireConnectionRight(const std::string& connection,
                                       security::ConnectionRight right) const {
  MORTAR_ASSIGN_OR_RETURN(config::ConnectionConfig config, home_.LoadConnection(connection));
  return security::RequireConnectionRight(home_, user_, config, right);
}

Result<const config::Project*> Context::project() const {
  if (!project_refused_.ok()) return project_refused_;
  if (!project_) {
    return Status::Invalid(
        "no project selected: pass --project NAME (or set MORTAR_PROJECT); "
        "'mortar project list' shows them, 'mortar quickstart' makes one");
  }
  return &*project_;
}

Result<std::unique_ptr<Connection>> Context::MakeConnection(
    const config::ConnectionConfig& config) const {
  auto type = registry_->FindConnectionType(config.type);
  if (!type.ok())
    return type.status().WithContext(config.file.empty() ? "connection '" + config.name + "'"
                                                         : config.file);
  return (*type)->Create(
      config, OpenScope{home_, user_, tokens_.get(), [this](const config::ConnectionConfig& other) {
                          return MakeConnection(other);
                        }});
}

Result<Connection*> Context::GetConnection(const std::string& name) {
  auto it = connections_.find(name);
  if (it != connections_.end()) return it->second.get();
  MORTAR_ASSIGN_OR_RETURN(config::ConnectionConfig config, home_.LoadConnection(name));
  MORTAR_RETURN_IF_ERROR(
      security::RequireConnectionRight(home_, user_, config, security::ConnectionRight::kUse));
  MORTAR_ASSIGN_OR_RETURN(auto connection, MakeConnection(config));
  Connection* raw = connection.get();
  connections_[name] = std::move(connection);
  return raw;
}

Result<std::unique_ptr<Dataset>> Context::MakeDataset(const config::DatasetConfig& config) {
  MORTAR_ASSIGN_OR_RETURN(Connection * connection, GetConnection(config.connection));
  auto type = registry_->FindDatasetType(config.type);
  if (!type.ok()) return type.status().WithContext(config.file);
  return (*type)->Create(config, *connection);
}

Result<Dataset*> Context::GetDataset(const std::string& name) {
  auto it = datasets_.find(name);
  if (it != datasets_.end()) return it->second.get();
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, this->project());
  MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig config, project->LoadDataset(name));
  MORTAR_ASSIGN_OR_RETURN(auto dataset, MakeDataset(config));
  Dataset* raw = dataset.get();
  datasets_[name] = std::move(dataset);
  return raw;
}

void Context::ForgetDataset(const std::string& name) {
  datasets_.erase(name);
}

}  // namespace mortar
