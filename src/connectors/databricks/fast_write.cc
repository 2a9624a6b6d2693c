#include "connectors/databricks/fast_write.h"

#include <arrow/api.h>

#include <cctype>
#include <deque>
#include <filesystem>
#include <future>
#include <random>

#include "connectors/databricks/cloud_files_sql.h"
#include "connectors/databricks/volume_store.h"
#include "connectors/filesystem/csv_file.h"
#include "connectors/filesystem/parquet_file.h"
#include "mortar/core/wall_time.h"

namespace mortar::databricks {

namespace {

namespace fs = std::filesystem;

// Staged files upload two at a time (each in parallel parts), which bounds the upload
// buffers and the local temporary folder.
constexpr int kParallelUploads = 2;

// Staged Parquet files are read once, by the load: smaller row groups than a dataset's
// and no dictionaries keep the writer's memory (one row group, encoded, and a hash
// table per column) small.
constexpr filesystem::ParquetWriteOptions kStagedParquet{128 * 1024, false};

class FastWriter final : public BatchWriter {
 public:
  FastWriter(std::unique_ptr<BatchWriter> plain, FastWriteTarget target, FastWriteSettings settings,
             std::unique_ptr<StagingStore> store)
      : plain_(std::move(plain)),
        target_(std::move(target)),
        settings_(std::move(settings)),
        store_(std::move(store)) {}
  ~FastWriter() override { Abort(); }

  Status Write(const arrow::RecordBatch& batch) override {
    if (!staging_) {
      // Small writes go through INSERT: keep the first rows until there are enough.
      buffered_.push_back(
          arrow::RecordBatch::Make(batch.schema(), batch.num_rows(), batch.columns()));
      buffered_rows_ += batch.num_rows();
      if (buffered_rows_ < settings_.min_rows) return Status::OK();
      MORTAR_RETURN_IF_ERROR(StartStaging());
      for (const auto& held : buffered_) MORTAR_RETURN_IF_ERROR(WriteStaged(*held));
      buffered_.clear();
      return Status::OK();
    }
    return WriteStaged(batch);
  }

  Status Commit() override {
    if (!staging_) {
      Log("fast-write: " + std::to_string(buffered_rows_) + " row(s), below min_rows (" +
          std::to_string(settings_.min_rows) + "): written with INSERT");
      for (const auto& held : buffered_) MORTAR_RETURN_IF_ERROR(plain_->Write(*held));
      buffered_.clear();
      return plain_->Commit();
    }
    Status status = FinishPart();
    while (status.ok() && !uploads_.empty()) status = WaitOldest();
    // Straight into the target, in one transaction, unless COPY INTO would have to
    // replace it (it only appends) from files no query can read: then into the staging
    // table, swapped in after. Staged Parquet on a volume is read by the replacing
    // query itself, so the rows are written once.
    bool query_replace = target_.copy_into && target_.mode == WriteMode::kReplace &&
                         !files_.query_uri.empty() && files_.format == StagingFormat::kParquet;
    bool copy_into = target_.copy_into && !query_replace;
    bool direct = !copy_into || target_.mode == WriteMode::kAppend;
    const sql::TableName& table = direct ? target_.table : target_.staging;
    if (status.ok() && direct && target_.mode == WriteMode::kAppend)
      status = target_.create_if_missing();
    if (status.ok() && !direct) status = target_.create_staging();
    if (status.ok()) {
      Log(std::string("fast-write: loading ") + std::to_string(parts_) + " staged file(s) from " +
          store_->DisplayUri(prefix_) + " into " + target_.dialect->TableReference(table) +
          " with " +
          (copy_into       ? "COPY INTO"
           : query_replace ? "CREATE OR REPLACE TABLE ... AS SELECT FROM the volume's files"
           : target_.mode == WriteMode::kAppend
               ? "INSERT ... SELECT FROM files (Spark SQL)"
               : "CREATE OR REPLACE TABLE ... AS SELECT FROM files (Spark SQL)"));
      std::vector<std::string> statements;
      if (copy_into) {
        statements = {CopyIntoSql(*target_.dialect, table, target_.schema, files_)};
      } else {
        StagedFiles read = files_;
        if (query_replace) read.spark_uri = files_.query_uri;
        statements = SparkLoadSql(*target_.dialect, table, target_.schema, read, target_.mode);
      }
      for (const auto& sql : statements) {
        status = target_.execute(sql);
        if (!status.ok()) break;
      }
      if (!status.ok()) {
        std::string where = target_.copy_into ? files_.copy_into_uri : files_.spark_uri;
        std::string hint =
            target_.copy_into
                ? (files_.credential.empty() ? "; check that you may read the volume"
                                             : "; check that the credential may read them")
                : "; this server reads them with its own settings (s3a, hadoop-azure): check "
                  "that it can reach that path, or load with COPY INTO on Databricks";
        status =
            Status(status.code(),
                   "fast-write could not load the staged files from " + where + ": " +
                       ScrubSecrets(status.message(), store_->Secrets(), *target_.dialect) + hint);
      }
    }
    // A direct load has written the table: the plain writer has nothing to swap in.
    if (status.ok() && !direct) status = plain_->Commit();
    Cleanup();
    if (!status.ok() || direct) plain_->Abort();
    return status;
  }

  void Abort() override {
    if (plain_) plain_->Abort();
    Cleanup();
  }

 private:
  Status StartStaging() {
    std::random_device random;
    // Spark skips paths whose names start with '_' or '.': the staging table's name
    // ("__mortar_tmp_...") is kept without its leading underscores.
    std::string table = target_.staging.table;
    table.erase(0, table.find_first_not_of("_."));
    // A table's name may hold anything its quotes allow; in a key it is one plain segment
    // (a '/' or '..' would put staged files beside the folder, or above it).
    for (char& c : table) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
    }
    std::string unique =
        table + "-" + UtcNow("%Y%m%dT%H%M%S") + "-" + std::to_string(random() % 1000000);
    std::string base = settings_.path;
    while (!base.empty() && base.back() == '/') base.pop_back();
    while (!base.empty() && base.front() == '/') base.erase(0, 1);
    prefix_ = (base.empty() ? "" : base + "/") + unique + "/";
    // Before anything is uploaded: a store the load cannot read fails the write now.
    MORTAR_ASSIGN_OR_RETURN(files_, store_->Locate(prefix_, settings_.format, target_.copy_into));
    if (!target_.copy_into && files_.spark_uri.empty()) {
      return Status::Invalid("connection '" + target_.connection + "': fast-write through " +
                             store_->name() +
                             " needs COPY INTO (Databricks), and this server has none; "
                             "stage on an s3 or azure_blob connection instead");
    }
    local_ = fs::temp_directory_path() / ("mortar-fast-write-" + unique);
    std::error_code error;
    fs::create_directories(local_, error);
    if (error) return Status::Invalid("cannot create " + local_.string() + ": " + error.message());
    staging_ = true;
    Log(std::string("fast-write: staging ") +
        (settings_.format == StagingFormat::kParquet ? "Parquet" : "gzipped CSV") +
        " files under " + store_->DisplayUri(prefix_) + " (" + store_->name() + ")");
    return Status::OK();
  }

  Status WriteStaged(const arrow::RecordBatch& batch) {
    int64_t offset = 0;
    while (offset < batch.num_rows()) {
      if (!part_) {
        MORTAR_RETURN_IF_ERROR(OpenPart());
        part_rows_ = 0;
      }
      int64_t take = std::min(batch.num_rows() - offset, settings_.file_rows - part_rows_);
      MORTAR_RETURN_IF_ERROR(part_->Write(*batch.Slice(offset, take)));
      part_rows_ += take;
      offset += take;
      if (part_rows_ >= settings_.file_rows) MORTAR_RETURN_IF_ERROR(FinishPart());
    }
    return Status::OK();
  }

  Status OpenPart() {
    std::string name = "part-" + std::to_string(100000 + parts_).substr(1);
    if (settings_.format == StagingFormat::kParquet) {
      part_path_ = local_ / (name + ".parquet");
      MORTAR_ASSIGN_OR_RETURN(
          part_, filesystem::OpenParquetWriter(part_path_, target_.schema, kStagedParquet));
      return Status::OK();
    }
    part_path_ = local_ / (name + ".csv.gz");
    filesystem::CsvOptions options;
    options.header = false;  // read by position: no header line to skip
    options.compression = filesystem::Compression::kGzip;
    MORTAR_ASSIGN_OR_RETURN(part_,
                            filesystem::OpenCsvWriter(part_path_, target_.schema, options, false));
    return Status::OK();
  }

  // Closes the current part and uploads it in the background (a few at a time, so the
  // local folder and memory stay bounded while reading goes on).
  Status FinishPart() {
    if (!part_) return Status::OK();
    MORTAR_RETURN_IF_ERROR(part_->Commit());
    part_.reset();
    while (uploads_.size() >= kParallelUploads) MORTAR_RETURN_IF_ERROR(WaitOldest());
    fs::path file = part_path_;
    std::string key = prefix_ + file.filename().string();
    uploads_.push_back(std::async(std::launch::async, [this, file, key] {
      Status status = store_->Upload(file, key);
      std::error_code error;
      fs::remove(file, error);
      return status;
    }));
    ++parts_;
    return Status::OK();
  }

  Status WaitOldest() {
    Status status = uploads_.front().get();
    uploads_.pop_front();
    return status;
  }

  // Staged objects and local parts go, whatever happened.
  void Cleanup() {
    if (part_) {
      part_->Abort();
      part_.reset();
    }
    while (!uploads_.empty()) (void)WaitOldest();
    if (staging_) {
      auto removed = store_->DeletePrefix(prefix_);
      Log(removed.ok() ? "fast-write: removed " + std::to_string(*removed) + " staged file(s)"
                       : "fast-write: could not remove the staged files under " +
                             store_->DisplayUri(prefix_) + ": " + removed.status().message());
      std::error_code error;
      fs::remove_all(local_, error);
      staging_ = false;
    }
    buffered_.clear();
  }

  std::unique_ptr<BatchWriter> plain_;
  FastWriteTarget target_;
  FastWriteSettings settings_;
  std::unique_ptr<StagingStore> store_;
  StagedFiles files_;
  std::vector<std::shared_ptr<arrow::RecordBatch>> buffered_;
  int64_t buffered_rows_ = 0;
  bool staging_ = false;
  std::string prefix_;
  fs::path local_;
  std::unique_ptr<BatchWriter> part_;
  fs::path part_path_;
  int64_t part_rows_ = 0;
  int64_t parts_ = 0;
  std::deque<std::future<Status>> uploads_;
};

// Why fast_write.path cannot be the folder staged files go into, or "". It becomes
// part of object keys and of the volume paths in staging statements.
std::string StagingFolderProblem(const std::string& path) {
  if (path.size() > 512) return "longer than 512 characters";
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7F || c == '\'' || c == '"' || c == '`' || c == '\\')
      return "quotes, backslashes and control characters are not allowed";
  }
  if (path.find("${") != std::string::npos) return "'${' is not allowed";
  std::string inner = path;
  while (!inner.empty() && inner.back() == '/') inner.pop_back();
  while (!inner.empty() && inner.front() == '/') inner.erase(0, 1);
  std::size_t start = 0;
  while (!inner.empty() && start <= inner.size()) {
    std::size_t end = inner.find('/', start);
    if (end == std::string::npos) end = inner.size();
    std::string segment = inner.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..")
      return "empty, '.' or '..' segments are not allowed";
    start = end + 1;
  }
  return "";
}

}  // namespace

Result<FastWriteSettings> ParseFastWriteSettings(const config::ConfigObject& params) {
  FastWriteSettings settings;
  if (!params.Has("fast_write")) return settings;
  MORTAR_ASSIGN_OR_RETURN(auto fast, params.Object("fast_write"));
  MORTAR_RETURN_IF_ERROR(fast.CheckObject(
      {"enabled", "connection", "volume", "path", "load", "format", "min_rows", "file_rows"}));
  MORTAR_ASSIGN_OR_RETURN(settings.enabled, fast.BooleanOr("enabled", true));
  MORTAR_ASSIGN_OR_RETURN(settings.connection, fast.StringOr("connection", ""));
  MORTAR_ASSIGN_OR_RETURN(settings.path, fast.StringOr("path", "mortar-staging"));
  if (std::string problem = StagingFolderProblem(settings.path); !problem.empty())
    return fast.Error("path", problem + "; expected a folder such as mortar-staging/team");
  MORTAR_ASSIGN_OR_RETURN(settings.load,
                          fast.ChoiceOr("load", {"auto", "copy_into", "spark_sql"}, "auto"));
  MORTAR_ASSIGN_OR_RETURN(std::string format,
                          fast.ChoiceOr("format", {"parquet", "csv_gzip"}, "parquet"));
  settings.format = format == "parquet" ? StagingFormat::kParquet : StagingFormat::kCsvGzip;
  MORTAR_ASSIGN_OR_RETURN(settings.min_rows, fast.IntegerOr("min_rows", settings.min_rows));
  MORTAR_ASSIGN_OR_RETURN(settings.file_rows, fast.IntegerOr("file_rows", settings.file_rows));
  MORTAR_ASSIGN_OR_RETURN(std::string volume, fast.StringOr("volume", ""));
  if (!volume.empty()) {
    auto parsed = ParseVolumePath(volume);
    if (!parsed.ok()) return fast.Error("volume", parsed.status().message());
    settings.volume = *parsed;
    if (!settings.connection.empty())
      return fast.Error("volume",
                        "give either fast_write.connection or fast_write.volume, not both");
  }
  if (settings.enabled && settings.connection.empty() && settings.volume.empty()) {
    return fast.Error("connection",
                      "missing; expected the name of an s3 or azure_blob connection (or "
                      "fast_write.volume, a Unity Catalog volume path)");
  }
  if (settings.file_rows < 1000) return fast.Error("file_rows", "expected at least 1000");
  if (settings.min_rows < 0) return fast.Error("min_rows", "expected 0 or more");
  return settings;
}

std::unique_ptr<BatchWriter> MakeFastWriter(std::unique_ptr<BatchWriter> plain,
                                            FastWriteTarget target, FastWriteSettings settings,
                                            std::unique_ptr<StagingStore> store) {
  return std::make_unique<FastWriter>(std::move(plain), std::move(target), std::move(settings),
                                      std::move(store));
}

}  // namespace mortar::databricks
