// Mortar's HTTP client in one include: messages, transports, the clock and retries.
#pragma once

#include "mortar/http/clock.h"      // IWYU pragma: export
#include "mortar/http/message.h"    // IWYU pragma: export
#include "mortar/http/retry.h"      // IWYU pragma: export
#include "mortar/http/transport.h"  // IWYU pragma: export
#include "mortar/http/url.h"        // IWYU pragma: export
