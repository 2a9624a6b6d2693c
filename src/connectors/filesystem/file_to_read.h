// A file that a CSV or Parquet reader opens when it reaches it: a local file, or an
// object read with ranged requests (any FileStore).
#pragma once

#include <arrow/io/interfaces.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "mortar/core/result.h"

namespace mortar::filesystem {

struct FileToRead {
  std::string display_name;  // for messages (the path relative to the connection)
  std::function<Result<std::shared_ptr<arrow::io::RandomAccessFile>>()> open;
};

// A local file, named by its path in messages unless display_name is given.
FileToRead LocalFileToRead(const std::filesystem::path& file, std::string display_name = "");

}  // namespace mortar::filesystem
