#include "connectors/sqlite/sqlite_stddev.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace mortar::sqlite {

namespace {

// In SQLite's zeroed aggregate memory: all zero is no values.
struct Moments {
  int64_t count;
  double mean;
  double squares;  // the sum of squared differences from the mean
};

Moments* State(sqlite3_context* context, bool create) {
  return static_cast<Moments*>(sqlite3_aggregate_context(context, create ? sizeof(Moments) : 0));
}

void Add(sqlite3_context* context, int, sqlite3_value** values) {
  if (sqlite3_value_type(values[0]) == SQLITE_NULL) return;
  Moments* state = State(context, true);
  if (state == nullptr) return sqlite3_result_error_nomem(context);
  double x = sqlite3_value_double(values[0]);
  ++state->count;
  double delta = x - state->mean;
  state->mean += delta / static_cast<double>(state->count);
  state->squares += delta * (x - state->mean);
}

// A window frame moving on: the value leaves, the update run backwards.
void Remove(sqlite3_context* context, int, sqlite3_value** values) {
  if (sqlite3_value_type(values[0]) == SQLITE_NULL) return;
  Moments* state = State(context, true);
  if (state == nullptr) return sqlite3_result_error_nomem(context);
  if (state->count <= 1) {
    *state = Moments{};
    return;
  }
  double x = sqlite3_value_double(values[0]);
  double mean =
      (state->mean * static_cast<double>(state->count) - x) / static_cast<double>(state->count - 1);
  state->squares -= (x - state->mean) * (x - mean);
  state->mean = mean;
  --state->count;
}

void Value(sqlite3_context* context) {
  const Moments* state = State(context, false);
  if (state == nullptr || state->count < 2) return sqlite3_result_null(context);
  double variance = std::max(state->squares, 0.0) / static_cast<double>(state->count - 1);
  sqlite3_result_double(context, std::sqrt(variance));
}

}  // namespace

Status RegisterStddev(sqlite3* db) {
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  int code = sqlite3_create_window_function(db, "mortar_stddev", 1, kFlags, nullptr, Add, Value,
                                            Value, Remove, nullptr);
  if (code == SQLITE_OK) return Status::OK();
  return Status::Internal(std::string("cannot register SQLite's mortar_stddev: ") +
                          sqlite3_errstr(code));
}

}  // namespace mortar::sqlite
