// Delta deletion vectors: the rows of a data file that later commits deleted without
// rewriting it (DELETE, UPDATE and MERGE do so when delta.enableDeletionVectors is on,
// Databricks' default). A vector is a 64-bit Roaring bitmap of row indexes within its
// file, stored in a vector file of the table or inline in the log, as the Delta
// protocol's "Deletion Vector Format" describes. Internal to the connector.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mortar/core/result.h"

namespace mortar::databricks {

// The `deletionVector` of an add action.
struct DeletionVectorDescriptor {
  char storage_type = 0;          // 'u' relative path, 'p' absolute path, 'i' inline
  std::string path_or_inline;     // as in the log
  std::optional<int64_t> offset;  // where in the vector file ('u', 'p'; absent: 0)
  int64_t size_in_bytes = 0;      // of the serialised bitmap
  int64_t cardinality = 0;        // rows deleted
  // 'p': the vector file's path relative to the table's root when it lies inside it,
  // otherwise its absolute path; percent-decoded (ReadDeltaSnapshot sets it).
  std::string path_in_table;
};

// Z85 (ZeroMQ's base 85) decoded: four bytes for every five characters.
Result<std::string> Z85Decode(std::string_view text);

// Whether a path taken as relative to the table's root names a file under it: not
// absolute, no URI, no "..". Files elsewhere may be out of the table's credentials' reach.
bool StaysInTable(std::string_view path);

// The vector file of a 'u' vector, relative to the table's root:
// [<random prefix>/]deletion_vector_<uuid>.bin; of a 'p' vector inside the table, its
// path_in_table.
Result<std::string> RelativeVectorPath(const DeletionVectorDescriptor& vector);

// The serialised bitmap of an inline ('i') vector: its Z85 text decoded, without the
// padding that rounds it up to four bytes.
Result<std::string> InlineBitmap(const DeletionVectorDescriptor& vector);

// The serialised bitmap inside the bytes read from a vector file at the vector's offset
// (its size, the bitmap, its CRC-32), checked; `what` names it in errors.
Result<std::string> BitmapInVectorFile(std::string_view stored, int64_t size_in_bytes,
                                       const std::string& what);

// The deleted rows of one file: membership tests by row index.
class DeletedRows {
 public:
  // Parses a serialised bitmap (the magic number, then the 64-bit Roaring bitmap in its
  // portable form), checked against the cardinality the log gives.
  static Result<DeletedRows> Parse(std::string_view bitmap, int64_t cardinality,
                                   const std::string& what);

  bool Contains(uint64_t row) const;
  int64_t cardinality() const { return cardinality_; }

 private:
  // One Roaring container: the low 16 bits of the rows whose high bits are `key`.
  struct Container {
    uint64_t key = 0;  // row >> 16
    enum class Kind { kArray, kBitmap, kRuns } kind = Kind::kArray;
    std::vector<uint16_t> values;  // array: sorted values; runs: start, length - 1 pairs
    std::vector<uint64_t> bits;    // bitmap: 1024 words
  };
  std::vector<Container> containers_;  // by key
  int64_t cardinality_ = 0;
};

}  // namespace mortar::databricks
