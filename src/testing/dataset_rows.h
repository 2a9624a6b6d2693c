// Test support: the number of rows a dataset reads.
#pragma once

#include "mortar/connectors/dataset.h"

namespace mortar::testing {

inline Result<int64_t> CountRows(Dataset& dataset) {
  MORTAR_ASSIGN_OR_RETURN(auto reader, dataset.Read(ReadOptions{}));
  int64_t rows = 0;
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
    if (!batch) return rows;
    rows += batch->num_rows();
  }
}

}  // namespace mortar::testing
