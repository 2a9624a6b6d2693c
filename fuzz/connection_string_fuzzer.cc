// What users paste or point Mortar at to set up a Databricks connection: a JDBC URL
// (`mortar connection create --jdbc-url`) and a ~/.databrickscfg profile file. The
// first part of the input is the URL, the second the file, the third the profile name.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "connectors/databricks/connection_string.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  auto parts = mortar::fuzz::SplitParts(data, size);
  (void)mortar::databricks::ParamsFromJdbcUrl(parts[0]);
  if (parts.size() < 2) return 0;
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("mortar-fuzz-databrickscfg-" + std::to_string(getpid())))
                                      .string();
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << parts[1];
  }
  std::string profile = parts.size() > 2 ? parts[2] : "DEFAULT";
  (void)mortar::databricks::ReadConfigProfile(path, profile);
  return 0;
}
