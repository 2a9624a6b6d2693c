#include "connectors/filesystem/file_to_read.h"

#include <arrow/io/file.h>

namespace mortar::filesystem {

FileToRead LocalFileToRead(const std::filesystem::path& file, std::string display_name) {
  FileToRead input;
  input.display_name = display_name.empty() ? file.string() : std::move(display_name);
  input.open = [file]() -> Result<std::shared_ptr<arrow::io::RandomAccessFile>> {
    auto opened = arrow::io::ReadableFile::Open(file.string());
    if (!opened.ok()) {
      return Status::NotFound("cannot open " + file.string() + ": " + opened.status().message());
    }
    return std::shared_ptr<arrow::io::RandomAccessFile>(*opened);
  };
  return input;
}

}  // namespace mortar::filesystem
