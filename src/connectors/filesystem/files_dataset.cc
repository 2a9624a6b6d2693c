// The "files" dataset: one CSV or Parquet file, or a folder of them, on a FileStore.
#include <algorithm>

#include "connectors/filesystem/csv_file.h"
#include "connectors/filesystem/filesystem_connection.h"
#include "connectors/filesystem/parquet_file.h"

namespace mortar::filesystem {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kInferenceSampleRows = 10000;

enum class Format { kCsv, kParquet };

// Replacing a folder-shaped dataset: once the new part is in place, the folder's
// other data files (parts of the previous content) are removed.
class FolderReplacement final : public BatchWriter {
 public:
  FolderReplacement(std::unique_ptr<BatchWriter> inner, fs::path part)
      : inner_(std::move(inner)), part_(std::move(part)) {}
  Status Write(const arrow::RecordBatch& batch) override { return inner_->Write(batch); }
  void Abort() override { inner_->Abort(); }
  Status Commit() override {
    MORTAR_RETURN_IF_ERROR(inner_->Commit());
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(part_.parent_path(), error)) {
      std::string file = entry.path().filename().string();
      if (entry.path() == part_ || !entry.is_regular_file() || file.empty() || file[0] == '.' ||
          file[0] == '_') {
        continue;
      }
      fs::remove(entry.path(), error);
    }
    return Status::OK();
  }

 private:
  std::unique_ptr<BatchWriter> inner_;
  fs::path part_;
};

bool EndsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class FilesDataset final : public Dataset {
 public:
  FilesDataset(config::DatasetConfig config, Connection* connection, FileStore* store,
               std::string path, Format format, CsvOptions csv)
      : Dataset(std::move(config), connection),
        store_(store),
        path_(std::move(path)),
        format_(format),
        csv_(csv) {}

  Result<Schema> DetectSchema() override {
    MORTAR_ASSIGN_OR_RETURN(auto files, ListFiles());
    if (files.empty()) return MissingError();
    if (format_ == Format::kParquet) return ReadParquetSchema(files.front().first);
    return InferCsvSchema(files.front().first, csv_, kInferenceSampleRows);
  }

  Result<std::unique_ptr<BatchReader>> Read(const ReadOptions& options) override {
    MORTAR_ASSIGN_OR_RETURN(Schema schema, this->schema());
    MORTAR_ASSIGN_OR_RETURN(auto files, ListFiles());
    if (files.empty()) return MissingError();
    std::vector<fs::path> paths;
    std::vector<std::string> names;
    for (auto& [path, display] : files) {
      paths.push_back(path);
      names.push_back(display);
    }
    if (format_ == Format::kParquet) {
      return OpenParquetReader(std::move(paths), std::move(names), std::move(schema),
                               options.limit);
    }
    return OpenCsvReader(std::move(paths), std::move(names), std::move(schema), csv_,
                         options.limit);
  }

  Result<std::unique_ptr<BatchWriter>> OpenWriter(const Schema& schema, WriteMode mode) override {
    MORTAR_ASSIGN_OR_RETURN(fs::path target, WriteTarget());
    std::unique_ptr<BatchWriter> writer;
    if (format_ == Format::kParquet) {
      if (mode == WriteMode::kAppend) {
        return Status::Invalid("dataset '" + name() +
                               "': appending to Parquet files is not supported");
      }
      MORTAR_ASSIGN_OR_RETURN(writer, OpenParquetWriter(target, schema));
    } else {
      MORTAR_ASSIGN_OR_RETURN(writer,
                              OpenCsvWriter(target, schema, csv_, mode == WriteMode::kAppend));
    }
    if (IsSingleFile() || mode == WriteMode::kAppend) return writer;
    return std::unique_ptr<BatchWriter>(new FolderReplacement(std::move(writer), target));
  }

  Result<std::string> Fingerprint() override {
    MORTAR_ASSIGN_OR_RETURN(auto files, ListFiles());
    std::string print;
    std::error_code error;
    for (const auto& [path, display] : files) {
      auto size = fs::file_size(path, error);
      auto time = fs::last_write_time(path, error).time_since_epoch().count();
      print += display + ":" + std::to_string(size) + ":" + std::to_string(time) + ";";
    }
    return print;
  }

  Result<bool> Exists() override {
    MORTAR_ASSIGN_OR_RETURN(auto files, ListFiles());
    return !files.empty();
  }

 private:
  Status MissingError() const {
    return Status::NotFound("dataset '" + name() + "': no file at '" + path_ + "' in connection '" +
                            connection().name() + "'");
  }

  bool IsSingleFile() const {
    return EndsWith(path_, ".csv") || EndsWith(path_, ".csv.gz") || EndsWith(path_, ".tsv") ||
           EndsWith(path_, ".txt") || EndsWith(path_, ".parquet");
  }

  // A single-file path is written as is; a folder gets one part file.
  Result<fs::path> WriteTarget() const {
    MORTAR_ASSIGN_OR_RETURN(fs::path base, store_->LocalPath(path_));
    if (IsSingleFile()) return base;
    std::string part = format_ == Format::kParquet              ? "part-00000.parquet"
                       : csv_.compression == Compression::kGzip ? "part-00000.csv.gz"
                                                                : "part-00000.csv";
    // Old parts would be read with the new one: remove them on replace. The new part
    // is itself renamed into place.
    return base / part;
  }

  Result<std::vector<std::pair<fs::path, std::string>>> ListFiles() const {
    MORTAR_ASSIGN_OR_RETURN(fs::path base, store_->LocalPath(path_));
    std::vector<std::pair<fs::path, std::string>> files;
    std::error_code error;
    if (fs::is_regular_file(base, error)) {
      files.emplace_back(base, path_);
      return files;
    }
    if (!fs::is_directory(base, error)) return files;
    for (const auto& entry : fs::directory_iterator(base, error)) {
      std::string file = entry.path().filename().string();
      if (!entry.is_regular_file() || file.empty() || file[0] == '.' || file[0] == '_') continue;
      files.emplace_back(entry.path(), path_ + "/" + file);
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  FileStore* store_;
  std::string path_;
  Format format_;
  CsvOptions csv_;
};

class FilesDatasetType final : public DatasetType {
 public:
  std::string_view name() const override { return "files"; }

  Result<std::unique_ptr<Dataset>> Create(const config::DatasetConfig& config,
                                          Connection& connection) const override {
    FileStore* store = connection.AsFiles();
    if (store == nullptr) {
      return Status::Invalid(config.file + ": dataset type 'files' needs a file connection, but '" +
                             connection.name() + "' is of type '" + connection.type() + "'");
    }
    config::ConfigObject params(config.params, config.file, "params");
    MORTAR_RETURN_IF_ERROR(params.CheckObject({"path", "format", "csv"}));
    MORTAR_ASSIGN_OR_RETURN(std::string path, params.String("path"));
    MORTAR_RETURN_IF_ERROR(store->LocalPath(path).status());
    std::string guessed = EndsWith(path, ".parquet") ? "parquet" : "csv";
    MORTAR_ASSIGN_OR_RETURN(std::string format,
                            params.ChoiceOr("format", {"csv", "parquet"}, guessed));
    MORTAR_ASSIGN_OR_RETURN(CsvOptions csv, CsvOptions::FromParams(params, path));
    return std::unique_ptr<Dataset>(
        new FilesDataset(config, &connection, store, path,
                         format == "parquet" ? Format::kParquet : Format::kCsv, csv));
  }
};

}  // namespace

std::unique_ptr<DatasetType> MakeFilesDatasetType() {
  return std::make_unique<FilesDatasetType>();
}

}  // namespace mortar::filesystem
