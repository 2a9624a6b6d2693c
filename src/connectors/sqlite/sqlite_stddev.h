// The sample standard deviation for SQLite, which has none: mortar_stddev(x), an
// aggregate and a window function registered on each connection. It keeps the count,
// the mean and the sum of squared differences from it, updated one value at a time
// (Welford's method, as Spark's stddev_samp), so close large values keep their spread:
// the textbook formula from sums of squares gave 0 for 100000001, 100000002 and
// 100000003, where Spark gives 1. NULL for fewer than two values; NULLs are skipped.
#pragma once

#include <sqlite3.h>

#include "mortar/core/status.h"

namespace mortar::sqlite {

Status RegisterStddev(sqlite3* db);

}  // namespace mortar::sqlite
