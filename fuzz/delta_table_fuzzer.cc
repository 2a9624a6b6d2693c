// A Delta table read directly (params.direct_read): a commit of its log (JSON lines of
// actions) and the schema it holds, or a v2 checkpoint; its deletion vectors (a
// serialised bitmap, a vector file's record, a relative vector path's Z85). The first
// byte picks which; all must take any bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "connectors/databricks/column_mapping.h"
#include "connectors/databricks/deletion_vector.h"
#include "connectors/databricks/delta_log.h"

namespace {

using mortar::databricks::DeltaLogFiles;

// A log of one file, `name`, whose every read (its sidecars' too) gives the input.
class OneFile final : public DeltaLogFiles {
 public:
  OneFile(std::string name, std::string_view text) : name_(std::move(name)), text_(text) {}
  mortar::Result<std::vector<std::string>> List(const std::string&) override {
    return std::vector<std::string>{name_};
  }
  std::optional<std::string> LastCheckpoint() override { return text_; }
  mortar::Result<std::string> Read(const std::string&) override { return text_; }

 private:
  std::string name_;
  std::string text_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace mortar::databricks;
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
    case 4: {  // a commit, or a v2 checkpoint (JSON, its sidecars Parquet)
      OneFile log(data[0] % 5 == 0
                      ? "00000000000000000000.json"
                      : "00000000000000000000.checkpoint.3a0d65cd-4056-49b8-937b-95f9e3ee90e5.json",
                  rest);
      auto snapshot = ReadDeltaSnapshot(log, "s3://b/t");
      if (snapshot.ok() && snapshot->files.size() > rest.size()) __builtin_trap();
      if (snapshot.ok()) ParseDeltaSchema(snapshot->schema_string).ok();
      // A snapshot said readable names no file outside the table, absolute paths or not.
      if (snapshot.ok() && snapshot->unreadable.empty()) {
        for (const auto& file : snapshot->files) {
          if (!StaysInTable(file.path)) __builtin_trap();
          const auto& vector = file.deletion_vector;
          if (vector && vector->storage_type == 'p' && !RelativeVectorPath(*vector).ok())
            __builtin_trap();
        }
      }
      break;
    }
    case 1: {  // the cardinality the log would say, then the bitmap
      if (rest.empty()) break;
      const int64_t cardinality = static_cast<uint8_t>(rest[0]);
      auto rows = DeletedRows::Parse(rest.substr(1), cardinality, "a.parquet");
      if (rows.ok()) {
        int64_t found = 0;
        for (uint64_t row = 0; row < (1u << 17); ++row) found += rows->Contains(row);
        if (found > cardinality) __builtin_trap();
      }
      break;
    }
    case 2: {
      auto bitmap = BitmapInVectorFile(rest, rest.size() < 8 ? 0 : rest.size() - 8, "a.parquet");
      if (bitmap.ok() && bitmap->size() + 8 != rest.size()) __builtin_trap();
      break;
    }
    default: {
      auto decoded = Z85Decode(rest);
      if (decoded.ok() && decoded->size() * 5 != rest.size() * 4) __builtin_trap();
      RelativeVectorPath(DeletionVectorDescriptor{'u', std::string(rest), 1, 0, 0}).ok();
      break;
    }
  }
  return 0;
}
