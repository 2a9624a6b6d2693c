#include "connectors/databricks/connection_string.h"

#include <cstdlib>
#include <fstream>

#include "mortar/core/ascii_case.h"

namespace mortar::databricks {

namespace {

std::string Trim(std::string text) {
  auto start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(start, end - start + 1);
}

}  // namespace

Result<config::Json> ParamsFromJdbcUrl(const std::string& url) {
  static constexpr std::string_view kPrefixes[] = {"jdbc:databricks://", "jdbc:spark://"};
  std::string rest;
  for (auto prefix : kPrefixes) {
    if (url.rfind(prefix, 0) == 0) rest = url.substr(prefix.size());
  }
  if (rest.empty()) {
    return Status::Invalid("not a Databricks JDBC URL: it must start with jdbc:databricks://");
  }
  auto semicolon = rest.find(';');
  std::string address = rest.substr(0, semicolon);
  std::string properties = semicolon == std::string::npos ? "" : rest.substr(semicolon + 1);
  config::Json params = config::Json::object();
  std::string default_schema;
  if (auto slash = address.find('/'); slash != std::string::npos) {
    default_schema = address.substr(slash + 1);
    address = address.substr(0, slash);
  }
  if (auto colon = address.rfind(':'); colon != std::string::npos) {
    std::string port = address.substr(colon + 1);
    address = address.substr(0, colon);
    char* end = nullptr;
    long value = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || value < 1 || value > 65535) {
      return Status::Invalid("the JDBC URL has an invalid port '" + port + "'");
    }
    params["port"] = value;
  }
  if (address.empty()) return Status::Invalid("the JDBC URL has no host");
  params["host"] = address;
  if (!default_schema.empty()) params["schema"] = default_schema;
  std::size_t start = 0;
  while (start <= properties.size()) {
    std::size_t end = properties.find(';', start);
    std::string item =
        properties.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? properties.size() + 1 : end + 1;
    if (Trim(item).empty()) continue;
    auto equals = item.find('=');
    if (equals == std::string::npos)
      return Status::Invalid("the JDBC URL property '" + item + "' has no value");
    std::string key = AsciiLower(Trim(item.substr(0, equals)));
    std::string value = Trim(item.substr(equals + 1));
    if (key == "httppath") {
      params["http_path"] = value.empty() || value[0] == '/' ? value : "/" + value;
    } else if (key == "conncatalog") {
      params["catalog"] = value;
    } else if (key == "connschema") {
      params["schema"] = value;
    } else if (key == "pwd" || key == "auth_accesstoken" || key == "oauth2secret") {
      return Status::Invalid(
          "the JDBC URL holds a secret (" + Trim(item.substr(0, equals)) +
          "); Mortar keeps secrets out of connection files: remove it and give the token with "
          "--token-env or --token-file");
    }
  }
  if (!params.contains("http_path")) return Status::Invalid("the JDBC URL has no httpPath");
  return params;
}

std::string DefaultConfigFile() {
  const char* file = std::getenv("DATABRICKS_CONFIG_FILE");
  if (file != nullptr && *file != '\0') return file;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : "") + "/.databrickscfg";
}

Result<std::map<std::string, std::string>> ReadConfigProfile(const std::string& path,
                                                             const std::string& profile) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read the Databricks config file " + path);
  std::map<std::string, std::string> values;
  std::string line;
  std::string section;
  bool found = false;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = Trim(line.substr(1, line.size() - 2));
      found = found || section == profile;
      continue;
    }
    if (section != profile) continue;
    auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    values[AsciiLower(Trim(line.substr(0, equals)))] = Trim(line.substr(equals + 1));
  }
  if (!found) return Status::NotFound("no profile [" + profile + "] in " + path);
  return values;
}

}  // namespace mortar::databricks
