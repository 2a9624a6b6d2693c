#include "mortar/core/interrupt.h"

namespace mortar {

std::atomic<bool>& InterruptRequested() {
  static std::atomic<bool> requested{false};
  return requested;
}

namespace {

thread_local int cleanup_depth = 0;

}  // namespace

bool InterruptPending() {
  return cleanup_depth == 0 && InterruptRequested().load();
}

CleanupScope::CleanupScope() {
  ++cleanup_depth;
}

CleanupScope::~CleanupScope() {
  --cleanup_depth;
}

Status StopIfInterrupted() {
  if (!InterruptPending()) return Status::OK();
  return Status::Cancelled("interrupted; the output was left as it was");
}

}  // namespace mortar
