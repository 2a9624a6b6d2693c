// The CSV settings of a files dataset, parsed from its params.
#pragma once

#include <string>

#include "mortar/config/document.h"

namespace mortar::filesystem {

enum class Compression { kNone, kGzip };

struct CsvOptions {
  bool header = true;
  char delimiter = ',';
  char quote = '"';
  // Quoted values may hold line breaks. Slower to split into blocks, so a user who
  // knows the file has none may turn it off.
  bool multiline = true;
  Compression compression = Compression::kNone;

  static Result<CsvOptions> FromParams(const config::ConfigObject& params, const std::string& path);
};

}  // namespace mortar::filesystem
