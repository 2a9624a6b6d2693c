#include "connectors/cloud_file_store.h"

#include <arrow/buffer.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <random>

namespace mortar {

namespace fs = std::filesystem;

Status CheckCloudPath(const std::string& connection, const std::string& path) {
  bool climbs = path == ".." || path.rfind("../", 0) == 0 ||
                path.find("/../") != std::string::npos ||
                (path.size() >= 3 && path.compare(path.size() - 3, 3, "/..") == 0);
  if (path.empty() || path[0] == '/' || climbs) {
    return Status::Invalid("connection '" + connection + "': the path '" + path +
                           "' must be a key or folder in the bucket or container, without a "
                           "leading '/' or '..'");
  }
  return Status::OK();
}

Result<std::vector<StoredFile>> FolderFiles(const std::string& path, const PrefixLister& list) {
  std::string folder = path;
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  MORTAR_ASSIGN_OR_RETURN(std::vector<StoredFile> objects, list(folder));
  std::vector<StoredFile> files;
  for (auto& object : objects) {
    if (object.path == folder) return std::vector<StoredFile>{std::move(object)};
    if (object.path.size() <= folder.size() + 1 || object.path[folder.size()] != '/') continue;
    std::string rest = object.path.substr(folder.size() + 1);
    // Direct children only; names Spark skips are skipped too.
    if (rest.find('/') != std::string::npos || rest[0] == '.' || rest[0] == '_') continue;
    files.push_back(std::move(object));
  }
  std::sort(files.begin(), files.end(),
            [](const StoredFile& a, const StoredFile& b) { return a.path < b.path; });
  return files;
}

Status DownloadInRanges(const RangeReader& read, int64_t size, int64_t chunk,
                        const fs::path& file) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  for (int64_t offset = 0; offset < size; offset += chunk) {
    int64_t length = std::min(chunk, size - offset);
    MORTAR_ASSIGN_OR_RETURN(std::string bytes, read(offset, length));
    // A server that ignores the range sends the whole object; one that is changing sends
    // less than was listed: either way the copy would be wrong.
    if (static_cast<int64_t>(bytes.size()) != length) {
      return Status::Remote("downloading to " + file.string() + ": the storage answered " +
                            std::to_string(bytes.size()) + " bytes for the " +
                            std::to_string(length) + " bytes at offset " + std::to_string(offset) +
                            " of the object; it may have changed while it was read, or the "
                            "server ignores ranges; try again");
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  out.close();
  if (!out) return Status::Invalid("cannot write " + file.string());
  return Status::OK();
}

arrow::Status RangedFile::Close() {
  closed_ = true;
  return arrow::Status::OK();
}

arrow::Status RangedFile::Seek(int64_t position) {
  if (position < 0) return arrow::Status::Invalid("negative position in ", where_);
  position_ = position;
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::Buffer>> RangedFile::ReadAt(int64_t position, int64_t nbytes) {
  int64_t length = std::max<int64_t>(0, std::min(nbytes, size_ - position));
  if (length == 0) return arrow::Buffer::FromString(std::string());
  auto bytes = read_(position, length);
  if (!bytes.ok()) return arrow::Status::IOError(bytes.status().message());
  if (static_cast<int64_t>(bytes->size()) != length) {
    return arrow::Status::IOError(where_, ": reading returned ", bytes->size(),
                                  " bytes instead of ", length,
                                  "; was the file replaced while it was read?");
  }
  return arrow::Buffer::FromString(std::move(*bytes));
}

arrow::Result<int64_t> RangedFile::ReadAt(int64_t position, int64_t nbytes, void* out) {
  ARROW_ASSIGN_OR_RAISE(auto buffer, ReadAt(position, nbytes));
  if (buffer->size() > 0)
    std::memcpy(out, buffer->data(), static_cast<std::size_t>(buffer->size()));
  return buffer->size();
}

arrow::Result<int64_t> RangedFile::Read(int64_t nbytes, void* out) {
  ARROW_ASSIGN_OR_RAISE(int64_t read, ReadAt(position_, nbytes, out));
  position_ += read;
  return read;
}

arrow::Result<std::shared_ptr<arrow::Buffer>> RangedFile::Read(int64_t nbytes) {
  ARROW_ASSIGN_OR_RAISE(auto buffer, ReadAt(position_, nbytes));
  position_ += buffer->size();
  return buffer;
}

namespace {

class UploadOnCommit final : public FileReplacement {
 public:
  UploadOnCommit(fs::path folder, fs::path local,
                 std::function<Status(const fs::path& local)> upload)
      : folder_(std::move(folder)), local_(std::move(local)), upload_(std::move(upload)) {}
  ~UploadOnCommit() override { Abort(); }
  const fs::path& local() const override { return local_; }
  Status Commit() override {
    Status status = upload_(local_);
    Abort();
    return status;
  }
  void Abort() override {
    std::error_code error;
    fs::remove_all(folder_, error);
  }

 private:
  fs::path folder_;
  fs::path local_;
  std::function<Status(const fs::path& local)> upload_;
};

}  // namespace

Result<std::unique_ptr<FileReplacement>> ReplaceByUpload(
    const std::string& path, bool keep_content, std::function<Status(const fs::path& local)> upload,
    const std::function<Status(const fs::path& local)>& download) {
  std::random_device random;
  fs::path folder = fs::temp_directory_path() /
                    ("mortar-upload-" + std::to_string(random()) + std::to_string(random()));
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) return Status::Invalid("cannot create " + folder.string() + ": " + error.message());
  fs::permissions(folder, fs::perms::owner_all, error);  // the data is no one else's to read
  auto replacement = std::make_unique<UploadOnCommit>(folder, folder / fs::path(path).filename(),
                                                      std::move(upload));
  if (keep_content) {
    Status downloaded = download(replacement->local());
    if (!downloaded.ok() && downloaded.code() != ErrorCode::kNotFound) return downloaded;
    if (!downloaded.ok()) fs::remove(replacement->local(), error);
  }
  return std::unique_ptr<FileReplacement>(std::move(replacement));
}

}  // namespace mortar
