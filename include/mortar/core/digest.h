// SHA-256 digests as lowercase hex text: what S3 signatures, API key records and flow
// stamps store; MD5, for S3's ETags. (Key material is hex-encoded by the vault in
// constant time instead.)
#pragma once

#include <string>
#include <string_view>

namespace mortar {

// Lowercase hex of raw bytes: two digits a byte.
std::string LowerHex(std::string_view bytes);

// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view bytes);

// MD5 of `bytes` as its 16 raw bytes: what S3's ETags are made of. Not for security.
std::string Md5Bytes(std::string_view bytes);

}  // namespace mortar
