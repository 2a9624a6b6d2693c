// The CSV reader of files datasets: any file is read to its end, or refused with an
// error naming the row, with and without a header, with each delimiter, quoted line
// breaks on and off. The first byte of the input chooses the options.
#include <arrow/buffer.h>
#include <arrow/io/memory.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "connectors/filesystem/csv_file.h"
#include "connectors/filesystem/csv_options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  mortar::filesystem::CsvOptions options;
  const uint8_t choice = data[0];
  options.header = (choice & 1) == 0;
  options.multiline = (choice & 2) == 0;
  static constexpr char kDelimiters[] = {',', ';', '\t', '|'};
  options.delimiter = kDelimiters[(choice >> 2) & 3];
  if (choice & 16) options.quote = '\'';
  std::shared_ptr<arrow::Buffer> buffer =
      arrow::Buffer::FromString(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  mortar::filesystem::FileToRead file{
      "fuzz.csv", [buffer]() -> mortar::Result<std::shared_ptr<arrow::io::RandomAccessFile>> {
        return std::shared_ptr<arrow::io::RandomAccessFile>(
            std::make_shared<arrow::io::BufferReader>(buffer));
      }};
  auto schema = mortar::filesystem::InferCsvSchema(file, options, 100);
  if (!schema.ok()) return 0;
  auto reader = mortar::filesystem::OpenCsvReader({file}, *schema, options, -1);
  if (!reader.ok()) return 0;
  while (true) {
    auto batch = (*reader)->Next();
    if (!batch.ok() || !*batch) break;
  }
  return 0;
}
