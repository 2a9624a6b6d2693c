// Databricks' Arrow results as the driver decodes them: a CloudFetch file (an Arrow IPC
// stream, LZ4 frame compressed or not), inline Arrow batches after their IPC schema
// (arrowSchema and arrowBatches of a result page), and LZ4 frames alone. The first
// byte chooses; the parts (fuzz_input.h) are the schema and the batches.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/databricks/result_decoder.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace mortar::databricks;
  if (size == 0) return 0;
  const uint8_t choice = data[0];
  const bool lz4 = (choice & 1) != 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch ((choice >> 1) % 3) {
    case 0:
      (void)DecodeArrowStream(std::string(rest), lz4);
      break;
    case 1: {
      auto parts = mortar::fuzz::SplitParts(data + 1, size - 1);
      std::vector<std::string> batches(parts.begin() + 1, parts.end());
      (void)DecodeArrowBatches(parts[0], batches, lz4);
      break;
    }
    default:
      (void)DecompressLz4Frames(rest, choice >> 3);
      break;
  }
  return 0;
}
