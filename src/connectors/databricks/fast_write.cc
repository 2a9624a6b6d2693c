#include "connectors/databricks/fast_write.h"

#include <arrow/api.h>

#include <deque>
#include <filesystem>
#include <future>
#include <random>

#include "connectors/filesystem/parquet_file.h"
#include "mortar/core/wall_time.h"

namespace mortar::databricks {

namespace {

namespace fs = std::filesystem;

constexpr int kParallelUploads = 3;

// Secrets out of a message (a server may echo the statement in its error).
std::string Scrub(std::string text, const s3::AwsCredentials& credentials) {
  for (const std::string& secret : {credentials.secret_access_key, credentials.session_token}) {
    if (secret.empty()) continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret))
      text.replace(at, secret.size(), "***");
  }
  return text;
}

class FastWriter final : public BatchWriter {
 public:
  FastWriter(std::unique_ptr<BatchWriter> plain, FastWriteTarget target, FastWriteSettings settings,
             s3::S3Client client)
      : plain_(std::move(plain)),
        target_(std::move(target)),
        settings_(std::move(settings)),
        client_(std::move(client)) {}
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
    if (status.ok()) {
      StagedFiles files{client_.settings().bucket, prefix_, client_.settings().credentials};
      std::string sql = target_.copy_into ? CopyIntoSql(*target_.dialect, target_.staging, files)
                                          : SparkLoadSql(*target_.dialect, target_.staging,
                                                         target_.schema, files);
      Log(std::string("fast-write: loading ") + std::to_string(parts_) + " staged file(s) from " +
          client_.S3Uri(prefix_) + " with " +
          (target_.copy_into ? "COPY INTO" : "INSERT ... SELECT FROM parquet (Spark SQL)"));
      status = target_.execute(sql);
      if (!status.ok()) status = Status(status.code(), Scrub(status.message(), files.credentials));
    }
    if (status.ok()) status = plain_->Commit();
    Cleanup();
    if (!status.ok()) plain_->Abort();
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
    std::string unique =
        table + "-" + UtcNow("%Y%m%dT%H%M%S") + "-" + std::to_string(random() % 1000000);
    std::string base = settings_.path;
    while (!base.empty() && base.back() == '/') base.pop_back();
    while (!base.empty() && base.front() == '/') base.erase(0, 1);
    prefix_ = (base.empty() ? "" : base + "/") + unique + "/";
    local_ = fs::temp_directory_path() / ("mortar-fast-write-" + unique);
    std::error_code error;
    fs::create_directories(local_, error);
    if (error) return Status::Invalid("cannot create " + local_.string() + ": " + error.message());
    staging_ = true;
    Log("fast-write: staging Parquet files under " + client_.S3Uri(prefix_) + " (connection " +
        client_.settings().connection + ")");
    return Status::OK();
  }

  Status WriteStaged(const arrow::RecordBatch& batch) {
    int64_t offset = 0;
    while (offset < batch.num_rows()) {
      if (!part_) {
        part_path_ = local_ / ("part-" + std::to_string(100000 + parts_).substr(1) + ".parquet");
        MORTAR_ASSIGN_OR_RETURN(part_, filesystem::OpenParquetWriter(part_path_, target_.schema));
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
      Status status = client_.UploadFile(file, key);
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
      auto removed = client_.DeletePrefix(prefix_);
      Log(removed.ok() ? "fast-write: removed " + std::to_string(*removed) + " staged file(s)"
                       : "fast-write: could not remove the staged files under " +
                             client_.S3Uri(prefix_) + ": " + removed.status().message());
      std::error_code error;
      fs::remove_all(local_, error);
      staging_ = false;
    }
    buffered_.clear();
  }

  std::unique_ptr<BatchWriter> plain_;
  FastWriteTarget target_;
  FastWriteSettings settings_;
  s3::S3Client client_;
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

}  // namespace

Result<FastWriteSettings> ParseFastWriteSettings(const config::ConfigObject& params) {
  FastWriteSettings settings;
  if (!params.Has("fast_write")) return settings;
  MORTAR_ASSIGN_OR_RETURN(auto fast, params.Object("fast_write"));
  MORTAR_RETURN_IF_ERROR(
      fast.CheckObject({"enabled", "connection", "path", "load", "min_rows", "file_rows"}));
  MORTAR_ASSIGN_OR_RETURN(settings.enabled, fast.BooleanOr("enabled", true));
  MORTAR_ASSIGN_OR_RETURN(settings.connection, fast.StringOr("connection", ""));
  MORTAR_ASSIGN_OR_RETURN(settings.path, fast.StringOr("path", "mortar-staging"));
  MORTAR_ASSIGN_OR_RETURN(settings.load,
                          fast.ChoiceOr("load", {"auto", "copy_into", "spark_sql"}, "auto"));
  MORTAR_ASSIGN_OR_RETURN(settings.min_rows, fast.IntegerOr("min_rows", settings.min_rows));
  MORTAR_ASSIGN_OR_RETURN(settings.file_rows, fast.IntegerOr("file_rows", settings.file_rows));
  if (settings.enabled && settings.connection.empty())
    return fast.Error("connection", "missing; expected the name of an s3 connection");
  if (settings.file_rows < 1000) return fast.Error("file_rows", "expected at least 1000");
  if (settings.min_rows < 0) return fast.Error("min_rows", "expected 0 or more");
  return settings;
}

std::string CopyIntoSql(const sql::Dialect& dialect, const sql::TableName& table,
                        const StagedFiles& files) {
  std::string credential =
      "AWS_ACCESS_KEY = " + dialect.QuoteString(files.credentials.access_key_id) +
      ", AWS_SECRET_KEY = " + dialect.QuoteString(files.credentials.secret_access_key);
  if (!files.credentials.session_token.empty())
    credential += ", AWS_SESSION_TOKEN = " + dialect.QuoteString(files.credentials.session_token);
  return "COPY INTO " + dialect.TableReference(table) + "\nFROM " +
         dialect.QuoteString("s3://" + files.bucket + "/" + files.prefix) + " WITH (CREDENTIAL (" +
         credential + "))\nFILEFORMAT = PARQUET\n" + "COPY_OPTIONS ('force' = 'true')";
}

std::string SparkLoadSql(const sql::Dialect& dialect, const sql::TableName& table,
                         const Schema& schema, const StagedFiles& files) {
  std::string columns;
  for (const auto& column : schema.columns()) {
    columns += std::string(columns.empty() ? "" : ",\n       ") + "CAST(" +
               dialect.QuoteIdentifier(column.name) + " AS " + dialect.NativeType(column.type) +
               ") AS " + dialect.QuoteIdentifier(column.name);
  }
  return "INSERT INTO " + dialect.TableReference(table) + "\nSELECT " + columns +
         "\nFROM parquet." + dialect.QuoteIdentifier("s3a://" + files.bucket + "/" + files.prefix);
}

std::unique_ptr<BatchWriter> MakeFastWriter(std::unique_ptr<BatchWriter> plain,
                                            FastWriteTarget target, FastWriteSettings settings,
                                            s3::S3Client client) {
  return std::make_unique<FastWriter>(std::move(plain), std::move(target), std::move(settings),
                                      std::move(client));
}

}  // namespace mortar::databricks
