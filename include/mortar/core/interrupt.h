// The process's interruption request (Ctrl-C): the CLI sets it from its signal
// handler; long operations poll it and stop cleanly (a running Databricks statement
// is cancelled on the server). Lock-free and async-signal-safe to set.
#pragma once

#include <atomic>

#include "mortar/core/status.h"

namespace mortar {

std::atomic<bool>& InterruptRequested();

// Whether work on this thread should stop: an interruption was asked for and the
// thread is not cleaning up after one (see CleanupScope).
bool InterruptPending();

// OK, or Cancelled while an interruption is pending. Writers call it between batches
// and once more just before they commit, so an interrupted job replaces nothing.
Status StopIfInterrupted();

// While one lives on a thread, no interruption is pending there: the clean-up after
// one (dropping a staging table) runs to its end instead of being cancelled in its
// turn. A second Ctrl-C still ends the process at once.
class CleanupScope {
 public:
  CleanupScope();
  ~CleanupScope();
  CleanupScope(const CleanupScope&) = delete;
  CleanupScope& operator=(const CleanupScope&) = delete;
};

}  // namespace mortar
