// Reading the statement cases under test/load/ and test/sync/ (JSON data files): the
// store a case names, built as a connection would build it with made-up secrets, its
// table and schema, and statements written as arrays of lines.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "connectors/azure/azure_object_store.h"
#include "connectors/object_store.h"
#include "connectors/s3/s3_object_store.h"
#include "mortar/config/model.h"

namespace mortar::databricks {

using Json = config::Json;

// The .json files under test/<folder>, in name order.
inline std::vector<std::filesystem::path> CaseFiles(const std::string& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::filesystem::path(MORTAR_SOURCE_DIR) / "test" / folder)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline Json ReadCase(const std::filesystem::path& file) {
  std::ifstream in(file);
  return Json::parse(in);
}

// A statement given as an array of lines (easier to read in JSON) or one string.
inline std::string Lines(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::string text;
  for (const auto& line : value) text += (text.empty() ? "" : "\n") + line.get<std::string>();
  return text;
}

// The store of a case; "now" (Unix seconds) fixes the clock of a SAS Mortar signs.
inline std::unique_ptr<StagingStore> StoreFromCase(const Json& test) {
  const Json& store = test.at("store");
  std::string type = store.at("type").get<std::string>();
  if (type == "s3") {
    s3::S3Settings settings;
    settings.connection = "stage";
    settings.bucket = store.at("bucket").get<std::string>();
    settings.credentials = {store.at("access_key_id").get<std::string>(),
                            store.at("secret_access_key").get<std::string>(),
                            store.value("session_token", "")};
    return MakeStagingStore(s3::MakeS3ObjectStore(s3::S3Client(settings)));
  }
  azure::AzureSettings settings;
  settings.connection = "stage";
  settings.container = store.at("container").get<std::string>();
  settings.credentials = {store.at("account").get<std::string>(), store.value("account_key", ""),
                          store.value("sas_token", "")};
  int64_t now = test.value("now", int64_t{0});
  return MakeStagingStore(
      azure::MakeAzureObjectStore(azure::AzureBlobClient(settings), [now] { return now; }));
}

inline sql::TableName TableFromCase(const Json& test) {
  return {test.at("table").value("catalog", ""), test.at("table").value("schema", ""),
          test.at("table").at("table").get<std::string>()};
}

inline Result<Schema> SchemaFromCase(const Json& test, const std::filesystem::path& file) {
  config::ConfigObject object(test, file.string());
  return config::SchemaFromJson(object, "schema");
}

// Each statement of `actual` against the case's lists of lines.
inline void ExpectStatements(const std::vector<std::string>& actual, const Json& expected,
                             const std::string& name) {
  ASSERT_EQ(actual.size(), expected.size()) << name;
  for (std::size_t i = 0; i < actual.size(); ++i)
    EXPECT_EQ(actual[i], Lines(expected[i])) << name << " statement " << i;
}

}  // namespace mortar::databricks
