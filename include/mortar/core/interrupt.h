// The process's interruption request (Ctrl-C): the CLI sets it from its signal
// handler; long operations poll it and stop cleanly (a running Databricks statement
// is cancelled on the server). Lock-free and async-signal-safe to set.
#pragma once

#include <atomic>

namespace mortar {

std::atomic<bool>& InterruptRequested();

}  // namespace mortar
