// The "files" dataset: one CSV or Parquet file, or a folder of them, on a FileStore.
#include <algorithm>
#include <random>

#include "connectors/filesystem/csv_file.h"
#include "connectors/filesystem/filesystem_connection.h"
#include "connectors/filesystem/parquet_file.h"
#include "mortar/core/wall_time.h"

namespace mortar::filesystem {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kInferenceSampleRows = 10000;

enum class Format { kCsv, kParquet };

// Writes a file of a FileStore: the format's writer fills the replacement's local
// file, which the store then makes visible in one step. Replacing a folder-shaped
// dataset: once the new part is in place, the folder's other data files (parts of
// the previous content) are removed.
class StoredFileWriter final : public BatchWriter {
 public:
  StoredFileWriter(std::unique_ptr<BatchWriter> inner, std::unique_ptr<FileReplacement> file,
                   FileStore* store, std::string folder, std::string part)
      : inner_(std::move(inner)),
        file_(std::move(file)),
        store_(store),
        folder_(std::move(folder)),
        part_(std::move(part)) {}
  Status Write(const arrow::RecordBatch& batch) override { return inner_->Write(batch); }
  void Abort() override {
    inner_->Abort();
    file_->Abort();
  }
  Status Commit() override {
    Status status = inner_->Commit();
    if (!status.ok()) {
      file_->Abort();
      return status;
    }
    MORTAR_RETURN_IF_ERROR(file_->Commit());
    if (folder_.empty()) return Status::OK();
    MORTAR_ASSIGN_OR_RETURN(auto files, store_->ListFiles(folder_));
    for (const auto& file : files) {
      if (file.path != part_) MORTAR_RETURN_IF_ERROR(store_->RemoveFile(file.path));
    }
    return Status::OK();
  }

 private:
  std::unique_ptr<BatchWriter> inner_;
  std::unique_ptr<FileReplacement> file_;
  FileStore* store_;
  std::string folder_;  // empty: a single-file dataset, or an append
  std::string part_;
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
    MORTAR_ASSIGN_OR_RETURN(auto files, store_->ListFiles(path_));
    if (files.empty()) return MissingError();
    FileToRead first = ToRead(files.front());
    if (format_ == Format::kParquet) return ReadParquetSchema(first);
    return InferCsvSchema(first, csv_, kInferenceSampleRows);
  }

  Result<std::unique_ptr<BatchReader>> Read(const ReadOptions& options) override {
    MORTAR_ASSIGN_OR_RETURN(Schema schema, this->schema());
    MORTAR_ASSIGN_OR_RETURN(auto files, store_->ListFiles(path_));
    if (files.empty()) return MissingError();
    std::vector<FileToRead> inputs;
    for (const auto& file : files) inputs.push_back(ToRead(file));
    if (format_ == Format::kParquet) {
      // The Parquet reader reads the schema's columns only, by name.
      if (!options.columns.empty()) {
        auto selected = schema.Select(options.columns);
        if (!selected.ok()) return selected.status().WithContext("dataset '" + name() + "'");
        schema = std::move(*selected);
      }
      return OpenParquetReader(std::move(inputs), std::move(schema), options.limit);
    }
    auto reader =
        OpenCsvReader(std::move(inputs), std::move(schema), csv_, options.limit, options.columns);
    if (!reader.ok()) return reader.status().WithContext("dataset '" + name() + "'");
    return reader;
  }

  Result<std::unique_ptr<BatchWriter>> OpenWriter(const Schema& schema, WriteMode mode) override {
    bool append = mode == WriteMode::kAppend;
    if (format_ == Format::kParquet && append) {
      return Status::Invalid("dataset '" + name() +
                             "': appending to Parquet files is not supported");
    }
    if (format_ == Format::kCsv && append && csv_.compression == Compression::kGzip) {
      return Status::Invalid("dataset '" + name() +
                             "': appending to a gzip-compressed CSV file is not supported; "
                             "write it in replace mode or without compression");
    }
    std::string target = WriteTarget();
    MORTAR_ASSIGN_OR_RETURN(auto file, store_->ReplaceFile(target, append));
    std::unique_ptr<BatchWriter> writer;
    if (format_ == Format::kParquet) {
      MORTAR_ASSIGN_OR_RETURN(writer, OpenParquetWriter(file->local(), schema));
    } else {
      MORTAR_ASSIGN_OR_RETURN(writer, OpenCsvWriter(file->local(), schema, csv_, append));
    }
    std::string folder = IsSingleFile() || append ? "" : path_;
    return std::unique_ptr<BatchWriter>(
        new StoredFileWriter(std::move(writer), std::move(file), store_, folder, target));
  }

  Result<std::string> Fingerprint() override {
    MORTAR_ASSIGN_OR_RETURN(auto files, store_->ListFiles(path_));
    std::string print;
    for (const auto& file : files)
      print += file.path + ":" + std::to_string(file.size) + ":" + file.version + ";";
    return print;
  }

  Result<bool> Exists() override {
    MORTAR_ASSIGN_OR_RETURN(auto files, store_->ListFiles(path_));
    return !files.empty();
  }

  std::optional<CloudFiles> CloudFilesOf() const override {
    auto location = store_->Cloud(IsSingleFile() ? path_ : FolderPath());
    if (!location) return std::nullopt;
    CloudFiles files;
    files.location = *location;
    files.format = format_ == Format::kParquet ? "parquet" : "csv";
    files.csv_header = csv_.header;
    files.csv_delimiter = csv_.delimiter;
    files.csv_quote = csv_.quote;
    files.gzip = csv_.compression == Compression::kGzip;
    files.single_file = IsSingleFile();
    return files;
  }

  Result<std::unique_ptr<CloudStaging>> StageCloudFiles() override;

 private:
  Status MissingError() const {
    return Status::NotFound("dataset '" + name() + "': no file at '" + path_ + "' in connection '" +
                            connection().name() + "'");
  }

  bool IsSingleFile() const {
    return EndsWith(path_, ".csv") || EndsWith(path_, ".csv.gz") || EndsWith(path_, ".tsv") ||
           EndsWith(path_, ".txt") || EndsWith(path_, ".parquet");
  }

  // The extension of a part file of this dataset's format.
  std::string PartExtension() const {
    return format_ == Format::kParquet              ? ".parquet"
           : csv_.compression == Compression::kGzip ? ".csv.gz"
                                                    : ".csv";
  }

  std::string FolderPath() const {
    std::string folder = path_;
    while (!folder.empty() && folder.back() == '/') folder.pop_back();
    return folder.empty() ? folder : folder + "/";
  }

  // A single-file path is written as is; a folder gets one part file (old parts would
  // be read with the new one: they are removed once it is in place).
  std::string WriteTarget() const {
    if (IsSingleFile()) return path_;
    return FolderPath() + "part-00000" + PartExtension();
  }

  FileToRead ToRead(const StoredFile& file) const {
    FileStore* store = store_;
    return FileToRead{file.path, [store, file] { return store->OpenFile(file); }};
  }

  FileStore* store_;
  std::string path_;
  Format format_;
  CsvOptions csv_;
};

// A database writes the new content under a '_'-prefixed folder (skipped by readers)
// beside the dataset; Commit copies its data files into place and removes the rest.
class FilesCloudStaging final : public CloudStaging {
 public:
  FilesCloudStaging(FileStore* store, CloudLocation staged, std::string staged_path,
                    std::string target, bool single_file, std::string extension)
      : store_(store),
        staged_(std::move(staged)),
        staged_path_(std::move(staged_path)),
        target_(std::move(target)),
        single_file_(single_file),
        extension_(std::move(extension)) {}
  ~FilesCloudStaging() override { Abort(); }
  const CloudLocation& staged() const override { return staged_; }

  Status Commit() override {
    Status status = MoveIntoPlace();
    Abort();
    return status;
  }
  void Abort() override {
    if (done_) return;
    done_ = true;
    (void)store_->RemoveFolder(staged_path_);
  }

 private:
  Status MoveIntoPlace() {
    MORTAR_ASSIGN_OR_RETURN(auto written, store_->ListFiles(staged_path_));
    if (written.empty() || (single_file_ && written.size() != 1)) {
      return Status::Remote("the database wrote " + std::to_string(written.size()) +
                            " data file(s) under " + staged_.Uri() + ", expected " +
                            (single_file_ ? "one" : "at least one"));
    }
    if (single_file_) return store_->CopyFile(written.front().path, target_);
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < written.size(); ++i) {
      std::string number = std::to_string(100000 + i).substr(1);
      parts.push_back(target_ + "part-" + number + extension_);
      MORTAR_RETURN_IF_ERROR(store_->CopyFile(written[i].path, parts.back()));
    }
    MORTAR_ASSIGN_OR_RETURN(auto files, store_->ListFiles(target_));
    for (const auto& file : files) {
      if (std::find(parts.begin(), parts.end(), file.path) == parts.end())
        MORTAR_RETURN_IF_ERROR(store_->RemoveFile(file.path));
    }
    return Status::OK();
  }

  FileStore* store_;
  CloudLocation staged_;
  std::string staged_path_;
  std::string target_;  // the file, or the folder ending in '/'
  bool single_file_;
  std::string extension_;
  bool done_ = false;
};

Result<std::unique_ptr<CloudStaging>> FilesDataset::StageCloudFiles() {
  std::string folder = IsSingleFile() ? path_.substr(0, path_.find_last_of('/') + 1) : FolderPath();
  if (IsSingleFile() && path_.find('/') == std::string::npos) folder.clear();
  std::random_device random;
  std::string staged_path = folder + "_mortar_tmp_" + name() + "_" + UtcNow("%Y%m%dT%H%M%S") + "_" +
                            std::to_string(random() % 1000000) + "/";
  auto staged = store_->Cloud(staged_path);
  if (!staged) {
    return Status::Invalid("dataset '" + name() + "': connection '" + connection().name() +
                           "' is not cloud storage");
  }
  return std::unique_ptr<CloudStaging>(new FilesCloudStaging(store_, *staged, staged_path,
                                                             IsSingleFile() ? path_ : FolderPath(),
                                                             IsSingleFile(), PartExtension()));
}

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
    MORTAR_RETURN_IF_ERROR(store->CheckPath(path));
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
