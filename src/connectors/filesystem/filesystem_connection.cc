#include "connectors/filesystem/filesystem_connection.h"

#include <arrow/io/file.h>
#include <unistd.h>

#include <algorithm>

#include "connectors/browsable_folder.h"
#include "mortar/config/home.h"
#include "mortar/core/path_within.h"

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
  if (!PathWithin(joined, root_)) {
    return Status::Invalid("connection '" + name() + "': the path '" + relative +
                           "' leaves the connection's root");
  }
  return joined;
}

namespace {

// Local files are written through their own temporary and renamed (FileCommit):
// the replacement's local file is the target itself.
class LocalReplacement final : public FileReplacement {
 public:
  explicit LocalReplacement(fs::path path) : path_(std::move(path)) {}
  const fs::path& local() const override { return path_; }
  Status Commit() override { return Status::OK(); }
  void Abort() override {}

 private:
  fs::path path_;
};

}  // namespace

Result<std::vector<StoredFile>> FilesystemConnection::ListFiles(const std::string& path) const {
  MORTAR_ASSIGN_OR_RETURN(fs::path base, LocalPath(path));
  std::vector<StoredFile> files;
  std::error_code error;
  auto describe = [&](const fs::path& local, std::string relative) {
    StoredFile file{std::move(relative), static_cast<int64_t>(fs::file_size(local, error)),
                    std::to_string(fs::last_write_time(local, error).time_since_epoch().count())};
    files.push_back(std::move(file));
  };
  if (fs::is_regular_file(base, error)) {
    describe(base, path);
    return files;
  }
  if (!fs::is_directory(base, error)) return files;
  std::string folder = path;
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  for (const auto& entry : fs::directory_iterator(base, error)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.empty() || name[0] == '.' || name[0] == '_') continue;
    describe(entry.path(), folder.empty() ? name : folder + "/" + name);
  }
  std::sort(files.begin(), files.end(),
            [](const StoredFile& a, const StoredFile& b) { return a.path < b.path; });
  return files;
}

Result<FolderListing> FilesystemConnection::ListFolder(const std::string& path) const {
  std::string folder = path;
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  MORTAR_ASSIGN_OR_RETURN(fs::path base, LocalPath(folder));
  std::string prefix = folder.empty() ? "" : folder + "/";
  std::vector<std::string> folders;
  std::vector<StoredFile> files;
  bool truncated = false;
  std::error_code error, ignored;
  if (!fs::is_directory(base, ignored)) return FolderListing{};
  for (const auto& entry : fs::directory_iterator(base, error)) {
    if (folders.size() + files.size() > kMaxFolderEntries) {
      truncated = true;
      break;
    }
    std::string relative = prefix + entry.path().filename().string();
    if (entry.is_directory(ignored)) {
      folders.push_back(std::move(relative));
    } else if (entry.is_regular_file(ignored)) {
      files.push_back({std::move(relative), static_cast<int64_t>(entry.file_size(ignored)), ""});
    }
  }
  if (error) {
    return Status::Invalid("connection '" + name() + "': cannot list '" + folder +
                           "': " + error.message());
  }
  return BrowsableFolder(prefix.size(), std::move(folders), std::move(files), truncated);
}

Result<std::shared_ptr<arrow::io::RandomAccessFile>> FilesystemConnection::OpenFile(
    const StoredFile& file) const {
  MORTAR_ASSIGN_OR_RETURN(fs::path local, LocalPath(file.path));
  auto opened = arrow::io::ReadableFile::Open(local.string());
  if (!opened.ok())
    return Status::NotFound("cannot open " + local.string() + ": " + opened.status().message());
  return std::shared_ptr<arrow::io::RandomAccessFile>(*opened);
}

Result<std::unique_ptr<FileReplacement>> FilesystemConnection::ReplaceFile(const std::string& path,
                                                                           bool keep_content) {
  (void)keep_content;  // the CSV writer copies the old content itself
  MORTAR_ASSIGN_OR_RETURN(fs::path local, LocalPath(path));
  return std::unique_ptr<FileReplacement>(new LocalReplacement(local));
}

Status FilesystemConnection::RemoveFile(const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(fs::path local, LocalPath(path));
  std::error_code error;
  fs::remove(local, error);
  if (error) return Status::Invalid("cannot remove " + local.string() + ": " + error.message());
  return Status::OK();
}

Status FilesystemConnection::CopyFile(const std::string& from, const std::string& to) {
  MORTAR_ASSIGN_OR_RETURN(fs::path source, LocalPath(from));
  MORTAR_ASSIGN_OR_RETURN(fs::path target, LocalPath(to));
  fs::path temporary = target;
  temporary += ".mortar-copy";
  std::error_code error;
  fs::copy_file(source, temporary, fs::copy_options::overwrite_existing, error);
  if (!error) fs::rename(temporary, target, error);
  if (error) {
    fs::remove(temporary, error);
    return Status::Invalid("cannot copy " + source.string() + " to " + target.string());
  }
  return Status::OK();
}

Status FilesystemConnection::RemoveFolder(const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(fs::path local, LocalPath(path));
  std::error_code error;
  fs::remove_all(local, error);
  if (error) return Status::Invalid("cannot remove " + local.string() + ": " + error.message());
  return Status::OK();
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
