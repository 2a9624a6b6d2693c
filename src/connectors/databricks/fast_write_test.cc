// The fast writer over in-memory fakes of its staging store and of the plain writer:
// what is staged, what is run, and that staged files go whatever happens. The real
// stores are tested against the stand-in (tests/integration/test_fast_write*.py).
#include "connectors/databricks/fast_write.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>

#include "connectors/databricks/volume_store.h"

namespace mortar::databricks {
namespace {

namespace fs = std::filesystem;

constexpr char kSecret[] = "the-secret-sas";

class FakeStore final : public StagingStore {
 public:
  std::string name() const override { return "fake"; }
  std::string DisplayUri(const std::string& prefix) const override { return "fake://" + prefix; }
  Status Upload(const fs::path& file, const std::string& key) const override {
    std::lock_guard<std::mutex> lock(mutex);
    if (fail_uploads) return Status::Auth("upload refused");
    files[key] = static_cast<int64_t>(fs::file_size(file));
    uploaded.push_back(key);
    return Status::OK();
  }
  Result<int64_t> DeletePrefix(const std::string& prefix) const override {
    std::lock_guard<std::mutex> lock(mutex);
    int64_t removed = 0;
    for (auto it = files.begin(); it != files.end();) {
      if (it->first.rfind(prefix, 0) == 0) {
        it = files.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
    return removed;
  }
  Result<StagedFiles> Locate(const std::string& prefix, StagingFormat format,
                             bool /*copy_into*/) const override {
    return StagedFiles{.copy_into_uri = "fake://" + prefix,
                       .credential = {{"AZURE_SAS_TOKEN", kSecret}},
                       .spark_uri = "fake://" + prefix,
                       .query_uri = on_volume ? "/Volumes/main/s/v/" + prefix : "",
                       .format = format};
  }
  std::vector<std::string> Secrets() const override { return {kSecret}; }

  mutable std::mutex mutex;
  mutable std::map<std::string, int64_t> files;
  mutable std::vector<std::string> uploaded;  // every key uploaded, kept after clean-up
  bool fail_uploads = false;
  bool on_volume = false;  // a query reads the files too, as on a Unity Catalog volume
};

class FakePlain final : public BatchWriter {
 public:
  Status Write(const arrow::RecordBatch& batch) override {
    rows += batch.num_rows();
    return Status::OK();
  }
  Status Commit() override {
    committed = true;
    return Status::OK();
  }
  void Abort() override { aborted = true; }
  int64_t rows = 0;
  bool committed = false;
  bool aborted = false;
};

struct Harness {
  explicit Harness(StagingFormat format = StagingFormat::kParquet, bool copy_into = false,
                   WriteMode mode = WriteMode::kReplace, bool on_volume = false,
                   std::string staging_table = "__mortar_tmp_t_1") {
    schema.Add(Column{"id", Type::Int64(), true});
    schema.Add(Column{"name", Type::String(), true});
    auto store_owned = std::make_unique<FakeStore>();
    store = store_owned.get();
    store->on_volume = on_volume;
    auto plain_owned = std::make_unique<FakePlain>();
    plain = plain_owned.get();
    FastWriteTarget target;
    target.connection = "dbx";
    target.dialect = &sql::DatabricksDialect();
    target.table = {"", "default", "t"};
    target.mode = mode;
    target.staging = {"", "default", std::move(staging_table)};
    target.schema = schema;
    target.copy_into = copy_into;
    target.execute = [this](const std::string& sql) {
      statements.push_back(sql);
      return fail_load ? Status::Remote(std::string("load failed near '") + kSecret + "'")
                       : Status::OK();
    };
    target.create_if_missing = [this] {
      statements.push_back("(create if missing)");
      return Status::OK();
    };
    target.create_staging = [this] {
      statements.push_back("(create staging)");
      return Status::OK();
    };
    FastWriteSettings settings;
    settings.enabled = true;
    settings.path = "staging";
    settings.format = format;
    settings.min_rows = 1000;
    settings.file_rows = 1000;
    writer =
        MakeFastWriter(std::move(plain_owned), std::move(target), settings, std::move(store_owned));
    writer->set_log([this](const std::string& line) { log += line + "\n"; });
  }

  Status WriteRows(int64_t rows) {
    arrow::Int64Builder ids;
    arrow::StringBuilder names;
    for (int64_t i = 0; i < rows; ++i) {
      (void)ids.Append(i);
      (void)names.Append("name \"" + std::to_string(i) + "\", with a comma");
    }
    auto batch = arrow::RecordBatch::Make(schema.ToArrow(), rows,
                                          {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie()});
    return writer->Write(*batch);
  }

  Schema schema;
  FakeStore* store = nullptr;
  FakePlain* plain = nullptr;
  std::vector<std::string> statements;
  bool fail_load = false;
  std::string log;
  std::unique_ptr<BatchWriter> writer;  // last: it logs to the members above until it goes
};

TEST(FastWriteTest, StagesFilesAndReplacesTheTableStraightFromThem) {
  Harness h;
  ASSERT_TRUE(h.WriteRows(2500).ok());
  ASSERT_TRUE(h.writer->Commit().ok());
  ASSERT_EQ(h.statements.size(), 1u);
  // One Delta transaction writes the rows once: no staging table loaded and copied.
  EXPECT_EQ(h.statements[0].rfind("CREATE OR REPLACE TABLE `default`.`t` USING DELTA AS\n", 0), 0u)
      << h.statements[0];
  EXPECT_NE(h.statements[0].find("FROM parquet.`fake://staging/"), std::string::npos);
  EXPECT_FALSE(h.plain->committed) << "the staging table was swapped in";
  EXPECT_TRUE(h.plain->aborted) << "the plain writer was not let go";
  EXPECT_EQ(h.plain->rows, 0) << "rows went through INSERT";
  EXPECT_TRUE(h.store->files.empty());
  EXPECT_NE(h.log.find("loading 3 staged file(s)"), std::string::npos) << h.log;
  EXPECT_NE(h.log.find("removed 3 staged file(s)"), std::string::npos) << h.log;
}

TEST(FastWriteTest, AnAppendLoadsStraightIntoTheTableOnceItExists) {
  for (bool copy_into : {false, true}) {
    SCOPED_TRACE(copy_into ? "COPY INTO" : "Spark SQL");
    Harness h(StagingFormat::kParquet, copy_into, WriteMode::kAppend);
    ASSERT_TRUE(h.WriteRows(1500).ok());
    ASSERT_TRUE(h.writer->Commit().ok());
    ASSERT_EQ(h.statements.size(), 2u);
    EXPECT_EQ(h.statements[0], "(create if missing)");
    EXPECT_EQ(h.statements[1].rfind(
                  copy_into ? "COPY INTO `default`.`t`\n" : "INSERT INTO `default`.`t`\n", 0),
              0u)
        << h.statements[1];
    EXPECT_FALSE(h.plain->committed);
    EXPECT_TRUE(h.plain->aborted);
  }
}

TEST(FastWriteTest, CopyIntoReplacesThroughTheSwappedInStagingTable) {
  Harness h(StagingFormat::kParquet, /*copy_into=*/true);
  ASSERT_TRUE(h.WriteRows(1500).ok());
  ASSERT_TRUE(h.writer->Commit().ok());
  // The staging table is created only now, for the load that fills it.
  ASSERT_EQ(h.statements.size(), 2u);
  EXPECT_EQ(h.statements[0], "(create staging)");
  EXPECT_EQ(h.statements[1].rfind("COPY INTO `default`.`__mortar_tmp_t_1`\n", 0), 0u)
      << h.statements[1];
  EXPECT_TRUE(h.plain->committed);
}

TEST(FastWriteTest, AReplaceThroughAVolumeReadsTheFilesInTheReplacingQuery) {
  Harness h(StagingFormat::kParquet, /*copy_into=*/true, WriteMode::kReplace, /*on_volume=*/true);
  ASSERT_TRUE(h.WriteRows(1500).ok());
  ASSERT_TRUE(h.writer->Commit().ok());
  // No staging table: the rows are written once, in one Delta transaction.
  ASSERT_EQ(h.statements.size(), 1u);
  EXPECT_EQ(h.statements[0].rfind("CREATE OR REPLACE TABLE `default`.`t` USING DELTA AS\n", 0), 0u)
      << h.statements[0];
  EXPECT_NE(h.statements[0].find("FROM parquet.`/Volumes/main/s/v/staging/"), std::string::npos)
      << h.statements[0];
  EXPECT_FALSE(h.plain->committed);
  EXPECT_TRUE(h.store->files.empty());
  EXPECT_NE(h.log.find("AS SELECT FROM the volume's files"), std::string::npos) << h.log;

  // Gzipped CSV on a volume still goes through COPY INTO and the staging table.
  Harness csv(StagingFormat::kCsvGzip, true, WriteMode::kReplace, true);
  ASSERT_TRUE(csv.WriteRows(1500).ok());
  ASSERT_TRUE(csv.writer->Commit().ok());
  ASSERT_EQ(csv.statements.size(), 2u);
  EXPECT_EQ(csv.statements[1].rfind("COPY INTO `default`.`__mortar_tmp_t_1`\n", 0), 0u);
}

TEST(FastWriteTest, GzippedCsvIsStagedAndLoadedThroughAView) {
  Harness h(StagingFormat::kCsvGzip);
  ASSERT_TRUE(h.WriteRows(1500).ok());
  ASSERT_TRUE(h.writer->Commit().ok());
  ASSERT_EQ(h.statements.size(), 3u);
  EXPECT_EQ(h.statements[0].rfind("CREATE OR REPLACE TEMPORARY VIEW", 0), 0u);
  EXPECT_NE(h.log.find("staging gzipped CSV files"), std::string::npos);
}

TEST(FastWriteTest, AFailedLoadRemovesTheFilesAbortsAndHidesTheSecret) {
  Harness h(StagingFormat::kParquet, /*copy_into=*/true);
  h.fail_load = true;
  ASSERT_TRUE(h.WriteRows(2000).ok());
  Status status = h.writer->Commit();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message().find(kSecret), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("***"), std::string::npos);
  EXPECT_NE(h.statements[1].find("COPY INTO"), std::string::npos);
  EXPECT_TRUE(h.plain->aborted);
  EXPECT_TRUE(h.store->files.empty());
}

TEST(FastWriteTest, AFailedUploadFailsTheWriteAndLeavesNothing) {
  Harness h;
  h.store->fail_uploads = true;
  Status status = h.WriteRows(5000);
  if (status.ok()) status = h.writer->Commit();
  EXPECT_EQ(status.code(), ErrorCode::kAuth) << status.ToString();
  EXPECT_TRUE(h.statements.empty());
  h.writer->Abort();  // what the destructor (and CopyBatches on an error) does
  EXPECT_TRUE(h.plain->aborted);
  EXPECT_TRUE(h.store->files.empty());
}

TEST(FastWriteTest, ATablesNameIsOnePlainSegmentOfTheStagedKeys) {
  Harness h(StagingFormat::kParquet, false, WriteMode::kReplace, false,
            "__mortar_tmp_../../other/o'brien ${x}");
  ASSERT_TRUE(h.WriteRows(2500).ok());
  ASSERT_TRUE(h.writer->Commit().ok());  // every upload done (uploads run in the background)
  ASSERT_FALSE(h.store->uploaded.empty());
  for (const auto& key : h.store->uploaded) {
    EXPECT_EQ(key.rfind("staging/mortar_tmp_______other_o_brien___x_-", 0), 0u) << key;
    EXPECT_EQ(std::count(key.begin(), key.end(), '/'), 2) << key;
  }
}

TEST(FastWriteTest, TheStagingFolderIsChecked) {
  auto parse = [](const std::string& path) {
    config::Json params = {{"fast_write", {{"connection", "lake"}, {"path", path}}}};
    return ParseFastWriteSettings(config::ConfigObject(params, "c.json"));
  };
  EXPECT_EQ(parse("mortar-staging/team/").ValueUnsafe().path, "mortar-staging/team/");
  EXPECT_TRUE(parse("").ok());
  for (const char* bad : {"a/../b", "..", "a//b", "./a", "team's", "a\\b", "a${x}", "a\nb"}) {
    auto parsed = parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("field 'fast_write.path'"), std::string::npos)
        << parsed.status().message();
  }
}

TEST(FastWriteTest, SmallWritesUseThePlainWriter) {
  Harness h;
  ASSERT_TRUE(h.WriteRows(10).ok());
  ASSERT_TRUE(h.writer->Commit().ok());
  EXPECT_EQ(h.plain->rows, 10);
  EXPECT_TRUE(h.statements.empty());
  EXPECT_NE(h.log.find("below min_rows"), std::string::npos);
}

// The volume store against a fake session and a fake presigned-URL server.
class FakeTransport final : public http::Transport {
 public:
  explicit FakeTransport(std::vector<http::Request>* seen) : seen_(seen) {}
  Result<http::Response> Send(const http::Request& request) override {
    seen_->push_back(request);
    http::Response response;
    response.status = request.url.find("missing") != std::string::npos ? 404 : 200;
    return response;
  }

 private:
  std::vector<http::Request>* seen_;
};

TEST(VolumeStoreTest, PutsThroughPresignedUrlsAndRemovesWhatItPut) {
  std::vector<std::string> statements;
  std::vector<http::Request> requests;
  auto store = MakeVolumeStagingStore(
      "/Volumes/main/sales/staging/mortar",
      [&](const std::string& sql) -> Result<StagingAnswer> {
        statements.push_back(sql);
        bool put = sql.rfind("PUT", 0) == 0;
        return StagingAnswerFromRow(put ? "PUT" : "REMOVE",
                                    "https://bucket.example/presigned?X-Sig=secret",
                                    R"({"x-amz-server-side-encryption": "AES256"})");
      },
      [&]() -> Result<std::unique_ptr<http::Transport>> {
        return std::unique_ptr<http::Transport>(new FakeTransport(&requests));
      });
  fs::path file = fs::temp_directory_path() / "mortar-volume-test.parquet";
  std::ofstream(file) << "PAR1";
  ASSERT_TRUE(store->Upload(file, "t-1/part-00000.parquet").ok());
  fs::remove(file);
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(statements[0], "PUT '" + file.string() +
                               "' INTO '/Volumes/main/sales/staging/mortar/t-1/part-00000.parquet' "
                               "OVERWRITE");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "PUT");
  // The file is sent as it is read, not held in the request.
  EXPECT_EQ(requests[0].body_file, file);
  EXPECT_TRUE(requests[0].body.empty());
  EXPECT_EQ(requests[0].Header("x-amz-server-side-encryption").value_or(""), "AES256");

  auto located = store->Locate("t-1/", StagingFormat::kParquet, true);
  ASSERT_TRUE(located.ok());
  EXPECT_EQ(located->copy_into_uri, "/Volumes/main/sales/staging/mortar/t-1/");
  EXPECT_TRUE(located->credential.empty());
  EXPECT_TRUE(located->spark_uri.empty());
  EXPECT_EQ(located->query_uri, "/Volumes/main/sales/staging/mortar/t-1/");

  auto removed = store->DeletePrefix("t-1/");
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 1);
  EXPECT_EQ(statements.back(),
            "REMOVE '/Volumes/main/sales/staging/mortar/t-1/part-00000.parquet'");
  EXPECT_EQ(requests.back().method, "DELETE");
}

TEST(VolumeStoreTest, AWrongAnswerIsAClearErrorWithoutTheUrl) {
  std::vector<http::Request> requests;
  auto store = MakeVolumeStagingStore(
      "/Volumes/main/sales/staging",
      [&](const std::string&) -> Result<StagingAnswer> {
        return StagingAnswer{"PUT", "https://bucket.example/missing?X-Sig=secret", {}};
      },
      [&]() -> Result<std::unique_ptr<http::Transport>> {
        return std::unique_ptr<http::Transport>(new FakeTransport(&requests));
      });
  fs::path file = fs::temp_directory_path() / "mortar-volume-test-2.parquet";
  std::ofstream(file) << "x";
  Status status = store->Upload(file, "a.parquet");
  fs::remove(file);
  EXPECT_EQ(status.code(), ErrorCode::kNotFound);
  EXPECT_NE(status.message().find("HTTP 404"), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find("X-Sig"), std::string::npos) << status.message();
}

TEST(VolumeStoreTest, PathsAreQuotedAsDatabricksLiterals) {
  std::vector<std::string> statements;
  std::vector<http::Request> requests;
  auto store = MakeVolumeStagingStore(
      "/Volumes/main/sales/staging",
      [&](const std::string& sql) -> Result<StagingAnswer> {
        statements.push_back(sql);
        return StagingAnswer{"REMOVE", "https://bucket.example/x", {}};
      },
      [&]() -> Result<std::unique_ptr<http::Transport>> {
        return std::unique_ptr<http::Transport>(new FakeTransport(&requests));
      });
  fs::path file = fs::temp_directory_path() / "mortar-volume-test-3.parquet";
  std::ofstream(file) << "x";
  (void)store->Upload(file, "o'brien ${x}/a.parquet");
  fs::remove(file);
  ASSERT_FALSE(statements.empty());
  EXPECT_NE(statements[0].find(
                "INTO '/Volumes/main/sales/staging/o\\'brien \\u0024{x}/a.parquet' OVERWRITE"),
            std::string::npos)
      << statements[0];
}

TEST(VolumeStoreTest, VolumePathsAreChecked) {
  EXPECT_EQ(ParseVolumePath("/Volumes/main/sales/staging/").ValueUnsafe(),
            "/Volumes/main/sales/staging");
  EXPECT_FALSE(ParseVolumePath("/Volumes/main/sales").ok());
  EXPECT_FALSE(ParseVolumePath("/tmp/main/sales/x").ok());
  EXPECT_FALSE(ParseVolumePath("/Volumes/main/sales/x/../y").ok());
  EXPECT_FALSE(ParseVolumePath("/Volumes/main/sales/x'; DROP").ok());
}

}  // namespace
}  // namespace mortar::databricks
