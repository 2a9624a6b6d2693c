// The wall clock as Mortar writes it into files: UTC text and Unix seconds.
#pragma once

#include <cstdint>
#include <string>

namespace mortar {

// The current UTC time in a strftime format; by default ISO 8601 ("2026-11-24T16:53:41Z").
std::string UtcNow(const char* format = "%Y-%m-%dT%H:%M:%SZ");
// A Unix time as UTC text, in the same formats.
std::string UtcText(int64_t unix_seconds, const char* format = "%Y-%m-%dT%H:%M:%SZ");
int64_t UnixSeconds();

}  // namespace mortar
