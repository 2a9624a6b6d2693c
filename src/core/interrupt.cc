#include "mortar/core/interrupt.h"

namespace mortar {

std::atomic<bool>& InterruptRequested() {
  static std::atomic<bool> requested{false};
  return requested;
}

}  // namespace mortar
