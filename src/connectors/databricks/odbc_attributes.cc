#include "connectors/databricks/odbc_attributes.h"

#include <algorithm>

#include "mortar/core/ascii_case.h"

namespace mortar::databricks {

namespace {

constexpr std::size_t kMaxKeyBytes = 128;
constexpr std::size_t kMaxValueBytes = 4096;

bool PlainName(const std::string& key) {
  auto allowed = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  };
  return !key.empty() && key.size() <= kMaxKeyBytes && std::all_of(key.begin(), key.end(), allowed);
}

}  // namespace

std::string OdbcOptionProblem(const std::string& key, const std::string& value) {
  if (!PlainName(key)) {
    return "is not an ODBC key: keys are letters, digits, '_', '.' and '-', at most " +
           std::to_string(kMaxKeyBytes) + " of them";
  }
  for (const char* fixed : {"Driver", "DSN", "FILEDSN", "SAVEFILE"}) {
    if (AsciiEqualsIgnoreCase(key, fixed))
      return "cannot be set: driver.path names the driver's library";
  }
  if (AsciiEqualsIgnoreCase(key, "PWD"))
    return "cannot be set: the token (auth) goes into PWD, and secrets stay out of params";
  if (value.size() > kMaxValueBytes)
    return "is longer than " + std::to_string(kMaxValueBytes) + " characters";
  if (std::any_of(value.begin(), value.end(), [](unsigned char c) { return c < 0x20; }))
    return "holds a control character";
  return "";
}

OdbcAttributes OdbcConnectionAttributes(const ConnectionSettings& settings) {
  OdbcAttributes attributes = {{"Host", settings.host},
                               {"Port", std::to_string(settings.port)},
                               {"HTTPPath", settings.http_path},
                               {"SSL", "1"},
                               {"ThriftTransport", "2"},
                               {"AuthMech", "3"},
                               {"UID", "token"}};
  if (!settings.catalog.empty()) attributes.emplace_back("Catalog", settings.catalog);
  if (!settings.schema.empty()) attributes.emplace_back("Schema", settings.schema);
  if (!settings.ca_file.empty()) attributes.emplace_back("TrustedCerts", settings.ca_file);
  // A server-side property of the driver (SSP_ key): the session's time zone.
  attributes.emplace_back("SSP_timezone", "UTC");
  for (const auto& option : settings.driver_options) {
    const std::string& key = option.first;
    const std::string& value = option.second;
    auto same = [&](const auto& attribute) { return AsciiEqualsIgnoreCase(attribute.first, key); };
    auto set = std::find_if(attributes.begin(), attributes.end(), same);
    if (value.empty()) {
      attributes.erase(std::remove_if(attributes.begin(), attributes.end(), same),
                       attributes.end());
    } else if (set != attributes.end()) {
      set->second = value;
    } else {
      attributes.emplace_back(key, value);
    }
  }
  return attributes;
}

}  // namespace mortar::databricks
