// Arrow data that comes from outside the process (HTTP bodies of the data API,
// Databricks result pages and CloudFetch files): checked whole before anything reads
// it, and bounded in size. Arrow's IPC readers check the framing but not the contents:
// a string column whose offsets point past its data would otherwise make later code
// copy the process's own memory into a dataset.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <string_view>

#include "mortar/core/status.h"

namespace mortar {

// The largest IPC message (one record batch, with its body) Mortar accepts from
// outside: far above the 64 Ki-row batches of Mortar's own writers and Databricks'
// pages, far below what would exhaust memory.
inline constexpr int64_t kMaxArrowMessageBytes = 256LL << 20;

// Full validation (offsets, lengths, UTF-8, nested children, dictionary indices).
// Invalid input: names `source` and what is wrong, and says the data was refused.
Status ValidateArrowInput(const arrow::RecordBatch& batch, std::string_view source);

}  // namespace mortar
