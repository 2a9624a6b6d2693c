// URLs: a small parser for the http(s) URLs Mortar calls and the hosts users type,
// redaction for messages, and percent-encoding for query strings and form bodies.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mortar/core/result.h"

namespace mortar::http {

// An absolute http or https URL, split into the parts a transport and an error
// message need. Plain value; thread-compatible.
struct Url {
  std::string scheme;  // "https" or "http", lower case
  std::string host;    // lower case; an IPv6 literal keeps its brackets: "[::1]"
  int port = 0;        // explicit, or 443 for https and 80 for http
  std::string path;    // starts with '/'; "/" when the URL has none
  std::string query;   // without the '?'; may carry secrets (SAS tokens, signatures)

  // Parses "scheme://host[:port][/path][?query][#fragment]"; the fragment is dropped.
  // User info ("user:password@") is refused: credentials belong in headers.
  static Result<Url> Parse(std::string_view text);
  // Parses what a user types for a server: "host", "host:port" or an http(s) URL
  // without path or query ("https://host/" is fine). The scheme defaults to https.
  static Result<Url> ParseHost(std::string_view text);

  // "host:port", the form used in "cannot reach" messages.
  std::string Authority() const;
  // The whole URL, query included: for sending, never for messages.
  std::string ToString() const;
};

// The URL without user info, query or fragment, safe for messages and logs: query
// strings can carry SAS tokens and presigned signatures. Works on malformed input too.
std::string RedactUrl(std::string_view url);

// Percent-encodes every byte except RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~),
// so the result is safe in a query string, a path segment and a form body alike.
std::string UrlEncode(std::string_view text);
// A path of '/'-separated segments (an object key, a blob name): each segment encoded,
// the slashes kept.
std::string UrlEncodePath(std::string_view path);

// Decodes %XX escapes (a '+' stays a '+'); malformed escapes are kept as they are.
std::string UrlDecode(std::string_view text);

// An application/x-www-form-urlencoded body: "name=value&name=value", each encoded.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace mortar::http
