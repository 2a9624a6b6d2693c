// The files dataset over a FileStore other than a local folder: an in-memory store
// (a fake behind our own interface) that says it is cloud storage, as S3 does.
#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "mortar/builtin/builtin_registry.h"
#include "testing/dataset_rows.h"

namespace mortar {
namespace {

namespace fs = std::filesystem;

class MemoryReplacement final : public FileReplacement {
 public:
  MemoryReplacement(std::map<std::string, std::string>* files, std::string path)
      : files_(files), path_(std::move(path)) {
    std::random_device random;
    folder_ = fs::temp_directory_path() / ("mortar-memory-store-" + std::to_string(random()));
    fs::create_directories(folder_);
    local_ = folder_ / "file";
  }
  ~MemoryReplacement() override { Abort(); }
  const fs::path& local() const override { return local_; }
  Status Commit() override {
    std::ifstream in(local_, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    (*files_)[path_] = content.str();
    Abort();
    return Status::OK();
  }
  void Abort() override {
    std::error_code error;
    fs::remove_all(folder_, error);
  }

 private:
  std::map<std::string, std::string>* files_;
  std::string path_;
  fs::path folder_;
  fs::path local_;
};

class MemoryStore final : public Connection, public FileStore {
 public:
  MemoryStore() : Connection(config::ConnectionConfig{"mem", "memory", "", {}, {}, "mem"}) {}
  Result<TestReport> Test() override { return TestReport{}; }
  FileStore* AsFiles() override { return this; }
  const std::string& connection_name() const override { return name(); }
  Status CheckPath(const std::string& path) const override {
    if (path.empty() || path[0] == '/') return Status::Invalid("bad path " + path);
    return Status::OK();
  }
  Result<std::vector<StoredFile>> ListFiles(const std::string& path) const override {
    std::string folder = path;
    while (!folder.empty() && folder.back() == '/') folder.pop_back();
    if (files.count(folder)) return std::vector<StoredFile>{Describe(folder)};
    std::vector<StoredFile> found;
    for (const auto& [key, content] : files) {
      if (key.rfind(folder + "/", 0) != 0) continue;
      std::string rest = key.substr(folder.size() + 1);
      if (rest.find('/') != std::string::npos || rest[0] == '_' || rest[0] == '.') continue;
      found.push_back(Describe(key));
    }
    return found;
  }
  Result<FolderListing> ListFolder(const std::string&) const override {
    return Status::Invalid("the tests here do not browse");
  }
  Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenFile(
      const StoredFile& file) const override {
    return std::shared_ptr<arrow::io::RandomAccessFile>(
        std::make_shared<arrow::io::BufferReader>(arrow::Buffer::FromString(files.at(file.path))));
  }
  Result<std::unique_ptr<FileReplacement>> ReplaceFile(const std::string& path,
                                                       bool keep_content) override {
    auto replacement = std::make_unique<MemoryReplacement>(&files, path);
    if (keep_content && files.count(path))
      std::ofstream(replacement->local(), std::ios::binary) << files[path];
    return std::unique_ptr<FileReplacement>(std::move(replacement));
  }
  Status RemoveFile(const std::string& path) override {
    files.erase(path);
    return Status::OK();
  }
  Status CopyFile(const std::string& from, const std::string& to) override {
    files[to] = files.at(from);
    return Status::OK();
  }
  Status RemoveFolder(const std::string& path) override {
    for (auto it = files.begin(); it != files.end();)
      it = it->first.rfind(path, 0) == 0 ? files.erase(it) : std::next(it);
    return Status::OK();
  }
  std::optional<CloudLocation> Cloud(const std::string& path) const override {
    return CloudLocation{name(), "s3", "bucket", path};
  }

  std::map<std::string, std::string> files;

 private:
  StoredFile Describe(const std::string& key) const {
    return StoredFile{key, static_cast<int64_t>(files.at(key).size()), "v"};
  }
};

std::unique_ptr<Dataset> MakeFiles(MemoryStore& store, const std::string& path,
                                   const std::string& format = "csv") {
  static const std::shared_ptr<const Registry> registry = BuiltinRegistry();
  config::DatasetConfig config{"d",          "mem",   "files", {{"path", path}, {"format", format}},
                               std::nullopt, "d.json"};
  auto type = registry->FindDatasetType("files");
  EXPECT_TRUE(type.ok());
  auto dataset = (*type)->Create(config, store);
  EXPECT_TRUE(dataset.ok()) << dataset.status().ToString();
  return std::move(*dataset);
}

std::vector<std::string> Keys(const MemoryStore& store) {
  std::vector<std::string> keys;
  for (const auto& [key, content] : store.files) keys.push_back(key);
  return keys;
}

Result<int64_t> WriteRows(Dataset& dataset, int64_t rows, WriteMode mode, bool commit = true) {
  Schema schema;
  schema.Add(Column{"id", Type::Int64(), true});
  arrow::Int64Builder builder;
  for (int64_t i = 0; i < rows; ++i) (void)builder.Append(i);
  auto array = *builder.Finish();
  MORTAR_ASSIGN_OR_RETURN(auto writer, dataset.OpenWriter(schema, mode));
  MORTAR_RETURN_IF_ERROR(writer->Write(*arrow::RecordBatch::Make(schema.ToArrow(), rows, {array})));
  if (commit) MORTAR_RETURN_IF_ERROR(writer->Commit());
  return rows;
}

using testing::CountRows;

TEST(FileStoreTest, ReplacingAFolderRemovesOldPartsAndKeepsSkippedFiles) {
  MemoryStore store;
  store.files["out/part-00003.parquet"] = "old";
  store.files["out/_SUCCESS"] = "";
  auto dataset = MakeFiles(store, "out", "parquet");
  ASSERT_TRUE(WriteRows(*dataset, 1000, WriteMode::kReplace).ok());
  EXPECT_EQ(Keys(store), (std::vector<std::string>{"out/_SUCCESS", "out/part-00000.parquet"}));
  auto schema = dataset->DetectSchema();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->ToString(), "id int64");
  auto rows = CountRows(*dataset);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, 1000);
}

TEST(FileStoreTest, AnAbortedWriteLeavesTheOldFileAndAnAppendKeepsIt) {
  MemoryStore store;
  store.files["log.csv"] = "id\n7\n";
  auto dataset = MakeFiles(store, "log.csv");
  ASSERT_TRUE(WriteRows(*dataset, 3, WriteMode::kReplace, /*commit=*/false).ok());
  EXPECT_EQ(store.files["log.csv"], "id\n7\n");
  ASSERT_TRUE(WriteRows(*dataset, 2, WriteMode::kAppend).ok());
  EXPECT_EQ(store.files["log.csv"], "id\n7\n0\n1\n");
}

TEST(FileStoreTest, StagedCloudFilesReplaceAFolderAndAreRemoved) {
  MemoryStore store;
  store.files["out/part-00005.parquet"] = "old";
  auto dataset = MakeFiles(store, "out", "parquet");
  auto files = dataset->CloudFilesOf();
  ASSERT_TRUE(files.has_value());
  EXPECT_EQ(files->location.Uri(), "s3://bucket/out/");
  EXPECT_FALSE(files->single_file);
  auto staging = dataset->StageCloudFiles();
  ASSERT_TRUE(staging.ok()) << staging.status().ToString();
  std::string staged = (*staging)->staged().path;
  EXPECT_EQ(staged.rfind("out/_mortar_tmp_d_", 0), 0u) << staged;
  store.files[staged + "part-a.snappy.parquet"] = "A";
  store.files[staged + "part-b.snappy.parquet"] = "B";
  store.files[staged + "_SUCCESS"] = "";
  ASSERT_TRUE((*staging)->Commit().ok());
  EXPECT_EQ(Keys(store),
            (std::vector<std::string>{"out/part-00000.parquet", "out/part-00001.parquet"}));
  EXPECT_EQ(store.files["out/part-00001.parquet"], "B");
}

TEST(FileStoreTest, AStagedSingleFileMustBeOneFileAndFailuresRemoveTheStagedFolder) {
  MemoryStore store;
  store.files["exports/sales.csv"] = "kept";
  auto dataset = MakeFiles(store, "exports/sales.csv");
  auto staging = dataset->StageCloudFiles();
  ASSERT_TRUE(staging.ok());
  std::string staged = (*staging)->staged().path;
  EXPECT_EQ(staged.rfind("exports/_mortar_tmp_", 0), 0u) << staged;
  store.files[staged + "part-1.csv"] = "1";
  store.files[staged + "part-2.csv"] = "2";
  Status status = (*staging)->Commit();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("expected one"), std::string::npos) << status.message();
  EXPECT_EQ(Keys(store), (std::vector<std::string>{"exports/sales.csv"}));
  EXPECT_EQ(store.files["exports/sales.csv"], "kept");
  // Dropped without a commit: the staged folder goes too.
  auto again = dataset->StageCloudFiles();
  ASSERT_TRUE(again.ok());
  store.files[(*again)->staged().path + "part-1.csv"] = "1";
  again->reset();
  EXPECT_EQ(Keys(store), (std::vector<std::string>{"exports/sales.csv"}));
}

}  // namespace
}  // namespace mortar
