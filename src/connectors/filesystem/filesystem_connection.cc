#include "connectors/filesystem/filesystem_connection.h"

#include <unistd.h>

#include "mortar/config/home.h"

namespace mortar::filesystem {

namespace fs = std::filesystem;

Result<TestReport> FilesystemConnection::Test() {
  std::error_code error;
  if (!fs::is_directory(root_, error)) {
    return Status::NotFound("connection '" + name() + "': the folder " + root_.string() +
                            " does not exist; create it or fix params.root");
  }
  if (::access(root_.c_str(), R_OK | W_OK) != 0) {
    return Status::Auth("connection '" + name() + "': the folder " + root_.string() +
                        " is not readable and writable by this user");
  }
  return TestReport{{"root", root_.string()}, {"access", "read, write"}};
}

Result<fs::path> FilesystemConnection::LocalPath(const std::string& relative) const {
  fs::path path(relative);
  if (path.is_absolute()) {
    return Status::Invalid("connection '" + name() + "': the path '" + relative +
                           "' must be relative to the connection's root");
  }
  fs::path joined = (root_ / path).lexically_normal();
  auto [root_end, unused] = std::mismatch(root_.begin(), root_.end(), joined.begin());
  if (root_end != root_.end()) {
    return Status::Invalid("connection '" + name() + "': the path '" + relative +
                           "' leaves the connection's root");
  }
  return joined;
}

namespace {

class FilesystemConnectionType final : public ConnectionType {
 public:
  std::string_view name() const override { return "filesystem"; }
  std::string_view description() const override { return "a folder of CSV and Parquet files"; }

  Result<std::unique_ptr<Connection>> Create(const config::ConnectionConfig& config,
                                             const OpenScope& scope) const override {
    const config::Home& home = scope.home;
    config::ConfigObject params(config.params, config.file, "params");
    MORTAR_RETURN_IF_ERROR(params.CheckObject({"root"}));
    MORTAR_ASSIGN_OR_RETURN(std::string root, params.String("root"));
    fs::path resolved = home.Resolve(root).lexically_normal();
    if (resolved.has_filename() == false) resolved = resolved.parent_path();
    return std::unique_ptr<Connection>(new FilesystemConnection(config, resolved));
  }
};

}  // namespace

std::unique_ptr<ConnectionType> MakeFilesystemConnectionType() {
  return std::make_unique<FilesystemConnectionType>();
}

}  // namespace mortar::filesystem
