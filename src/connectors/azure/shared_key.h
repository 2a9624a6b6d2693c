// Azure Storage's Shared Key authorization for Blob requests: the string to sign
// (verb, standard headers, x-ms-* headers, canonicalized resource) and the
// Authorization header, from the published algorithm (service version 2009-09-19 and
// later, with the empty Content-Length of 2015-02-21 and later).
#pragma once

#include <optional>
#include <string>

#include "mortar/http/message.h"

namespace mortar::azure {

// The service version every request names.
inline constexpr char kStorageVersion[] = "2021-08-06";

struct AzureCredentials {
  std::string account;
  std::string account_key;  // a secret: base64, as the portal shows it; empty with a SAS
  std::string sas_token;    // a secret: a query string ("sv=...&sig=..."), no '?'
};

// Signs the request in place: adds x-ms-date and x-ms-version (unless present) and
// "Authorization: SharedKey <account>:<signature>". Fails on a key that is not base64.
// ms_date is an RFC 1123 date ("Tue, 24 Nov 2026 12:00:00 GMT").
[[nodiscard]] bool SignSharedKey(http::Request& request, const std::string& account,
                                 const std::string& account_key, const std::string& ms_date);

// A service SAS token for the whole container, signed with the account key (the string
// to sign of service version 2020-12-06 and later, sv = kStorageVersion): `permissions`
// such as "rl" (read, list), valid from `start` to `expiry` (ISO 8601 UTC,
// "2026-11-24T23:50:00Z"). A query string without '?'; nullopt on a key that is not
// base64.
std::optional<std::string> ContainerSas(const std::string& account, const std::string& account_key,
                                        const std::string& container,
                                        const std::string& permissions, const std::string& start,
                                        const std::string& expiry);

// Standard base64 (with padding), as Azure wants keys, signatures and block ids.
std::string EncodeBase64(const std::string& bytes);

// The current time as x-ms-date wants it.
std::string MsDateNow();

}  // namespace mortar::azure
