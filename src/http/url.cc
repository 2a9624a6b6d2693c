#include "mortar/http/url.h"

#include <algorithm>

#include "mortar/core/parse_integer.h"

namespace mortar::http {

namespace {

constexpr size_t kMaxHostLength = 253;

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string ToLower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), Lower);
  return lower;
}

bool IsVisibleAscii(char c) {
  return c > 0x20 && c < 0x7f;
}

// ASCII only, whatever the locale.
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlphanumeric(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The input echoed in an error message, without anything that may be a secret.
std::string Quoted(std::string_view text) {
  return "'" + RedactUrl(text) + "'";
}

Status CheckHost(std::string_view host, std::string_view text) {
  if (host.empty()) return Status::Invalid("invalid URL: the host is missing: " + Quoted(text));
  if (host.front() == '[') {
    bool valid = host.size() > 2 && host.back() == ']' &&
                 std::all_of(host.begin() + 1, host.end() - 1,
                             [](char c) { return IsHexDigit(c) || c == ':' || c == '.'; });
    if (!valid) return Status::Invalid("invalid URL: bad IPv6 address: " + Quoted(text));
    return Status::OK();
  }
  if (host.size() > kMaxHostLength) {
    return Status::Invalid("invalid URL: the host name is longer than 253 characters");
  }
  size_t label_start = 0;
  for (size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      std::string_view label = host.substr(label_start, i - label_start);
      if (label.empty() || label.front() == '-' || label.back() == '-') {
        return Status::Invalid("invalid URL: bad host name '" + std::string(host) + "'");
      }
      label_start = i + 1;
      continue;
    }
    char c = host[i];
    if (!IsAlphanumeric(c) && c != '-' && c != '_') {
      return Status::Invalid("invalid URL: the host name has a character that is not allowed: '" +
                             std::string(host) + "'");
    }
  }
  return Status::OK();
}

Result<int> ParsePort(std::string_view digits, std::string_view text) {
  if (digits.empty() || digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), IsDigit)) {
    return Status::Invalid("invalid URL: the port must be a number from 1 to 65535: " +
                           Quoted(text));
  }
  auto port = ParseInteger(digits);
  if (!port || *port < 1 || *port > 65535) {
    return Status::Invalid("invalid URL: the port must be a number from 1 to 65535: " +
                           Quoted(text));
  }
  return static_cast<int>(*port);
}

}  // namespace

Result<Url> Url::Parse(std::string_view text) {
  if (text.empty()) return Status::Invalid("invalid URL: empty");
  if (!std::all_of(text.begin(), text.end(), IsVisibleAscii)) {
    return Status::Invalid(
        "invalid URL: spaces, control and non-ASCII characters must be percent-encoded: " +
        Quoted(text));
  }
  Url url;
  size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return Status::Invalid("invalid URL: expected https:// or http:// at the start: " +
                           Quoted(text));
  }
  url.scheme = ToLower(text.substr(0, scheme_end));
  if (url.scheme != "https" && url.scheme != "http") {
    return Status::Invalid("invalid URL: the scheme must be https or http, not '" + url.scheme +
                           "'");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return Status::Invalid(
        "invalid URL: user names and passwords are not allowed in URLs; set the connection's "
        "credentials instead: " +
        Quoted(text));
  }

  std::string_view host = authority;
  std::string_view port;
  size_t colon = authority.rfind(':');
  size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    MORTAR_ASSIGN_OR_RETURN(url.port, ParsePort(port, text));
  } else {
    url.port = url.scheme == "https" ? 443 : 80;
  }
  MORTAR_RETURN_IF_ERROR(CheckHost(host, text));
  url.host = ToLower(host);

  size_t query_start = target.find('?');
  url.path = std::string(target.substr(0, query_start));
  if (url.path.empty()) url.path = "/";
  if (query_start != std::string_view::npos)
    url.query = std::string(target.substr(query_start + 1));
  return url;
}

Result<Url> Url::ParseHost(std::string_view text) {
  if (text.find("://") == std::string_view::npos) {
    MORTAR_ASSIGN_OR_RETURN(Url url, Parse("https://" + std::string(text)));
    if (url.path != "/" || !url.query.empty() || text.find_first_of("/?#") != text.npos) {
      return Status::Invalid(
          "invalid host: expected a host name and optional port, such as "
          "'example.com' or 'example.com:8443': " +
          Quoted(text));
    }
    return url;
  }
  MORTAR_ASSIGN_OR_RETURN(Url url, Parse(text));
  if (url.path != "/" || !url.query.empty()) {
    return Status::Invalid(
        "invalid host: expected a server address without a path, such as "
        "'https://example.com': " +
        Quoted(text));
  }
  return url;
}

std::string Url::Authority() const {
  return host + ":" + std::to_string(port);
}

std::string Url::ToString() const {
  std::string text = scheme + "://" + Authority() + path;
  if (!query.empty()) text += "?" + query;
  return text;
}

std::string RedactUrl(std::string_view url) {
  std::string_view kept = url.substr(0, url.find_first_of("?#"));
  // User info sits between "://" and the first '@' of the authority.
  size_t authority_start = kept.find("://");
  authority_start = authority_start == std::string_view::npos ? 0 : authority_start + 3;
  size_t authority_end = kept.find('/', authority_start);
  size_t at = kept.substr(0, authority_end).rfind('@');
  if (at != std::string_view::npos && at >= authority_start) {
    return std::string(kept.substr(0, authority_start)) + std::string(kept.substr(at + 1));
  }
  return std::string(kept);
}

std::string UrlDecode(std::string_view text) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && digit(text[i + 1]) >= 0 &&
        digit(text[i + 2]) >= 0) {
      decoded += static_cast<char>(digit(text[i + 1]) * 16 + digit(text[i + 2]));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (IsAlphanumeric(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0x0f];
    }
  }
  return encoded;
}

std::string UrlEncodePath(std::string_view path) {
  std::string encoded;
  std::size_t start = 0;
  while (!path.empty()) {
    auto slash = path.find('/', start);
    encoded +=
        UrlEncode(path.substr(start, slash == std::string_view::npos ? path.npos : slash - start));
    if (slash == std::string_view::npos) break;
    encoded += '/';
    start = slash + 1;
  }
  return encoded;
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    body += UrlEncode(name) + "=" + UrlEncode(value);
  }
  return body;
}

}  // namespace mortar::http
