// SHA-256 digests as lowercase hex text: what S3 signatures, API key records and flow
// stamps store. (Key material is hex-encoded by the vault in constant time instead.)
#pragma once

#include <string>
#include <string_view>

namespace mortar {

// Lowercase hex of raw bytes: two digits a byte.
std::string LowerHex(std::string_view bytes);

// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace mortar
