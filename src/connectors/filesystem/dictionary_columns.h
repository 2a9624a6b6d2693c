// Which columns of a Parquet file to write without a dictionary, judged on its first rows.
//
// Arrow's Parquet writer starts every column of every row group with a dictionary and
// falls back to plain values once the dictionary fills its page limit (1 MiB). For a
// column of mostly distinct values (ids, amounts, timestamps, free text) that means, in
// every row group, a hash table of that size built, probed for each value and thrown
// away. A column whose distinct values within the file's first rows already fill the
// limit would fall back within those very rows, so it is written plain from the start;
// parquet-mr likewise drops a dictionary that did not pay for itself on a first page.
// Columns that stay under the limit keep the dictionary, and Arrow's own fallback.
#pragma once

#include <arrow/api.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "mortar/core/result.h"

namespace mortar::filesystem {

// How much of a file's start the writer holds before it decides: enough rows for a
// column of distinct 8-byte values to fill a 1 MiB dictionary, bounded in bytes for
// wide rows (whose dictionaries fill sooner).
inline constexpr int64_t kDictionarySampleRows = 160 * 1024;
inline constexpr int64_t kDictionarySampleBytes = int64_t{32} << 20;

// The positions of the top-level columns of `sample` whose distinct non-null values
// would take at least `dictionary_limit` bytes in a Parquet dictionary page. Columns
// Parquet writes without a dictionary or whose dictionary this does not size (booleans,
// nested and dictionary types) are never among them.
Result<std::vector<int>> ColumnsOutgrowingDictionary(
    const std::vector<std::shared_ptr<arrow::RecordBatch>>& sample, int64_t dictionary_limit);

}  // namespace mortar::filesystem
