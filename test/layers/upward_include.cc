// Must not compile: the sql module is below the flow module (docs/architecture.md#layers).
#include "mortar/flow/flow.h"
