#include "connectors/databricks/connection_settings.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "connectors/databricks/connection_string.h"
#include "connectors/databricks/odbc_attributes.h"
#include "connectors/databricks/statement_execution.h"
#include "mortar/core/parse_integer.h"
#include "mortar/core/path_within.h"
#include "mortar/security/accounts.h"
#include "mortar/security/permissions.h"

namespace mortar::databricks {

namespace fs = std::filesystem;

Result<ConnectionSettings> ParseConnectionSettings(const config::ConnectionConfig& config,
                                                   const config::Home& home) {
  config::ConfigObject params(config.params, config.file, "params");
  MORTAR_RETURN_IF_ERROR(params.CheckObject(
      {"host", "port", "http_path", "catalog", "schema", "auth", "ca_file", "query_timeout_seconds",
       "cloudfetch_downloads", "driver", "details_readable_by", "fast_write", "connect_url",
       "cluster_id", "serverless", "transport", "direct_read"}));
  if (params.Has("details_readable_by")) {
    MORTAR_ASSIGN_OR_RETURN(auto rule, params.Object("details_readable_by"));
    MORTAR_RETURN_IF_ERROR(security::ValidateAccessRule(rule));
  }
  ConnectionSettings settings;
  MORTAR_ASSIGN_OR_RETURN(settings.fast_write, ParseFastWriteSettings(params));
  MORTAR_ASSIGN_OR_RETURN(settings.host, params.StringOr("host", ""));
  MORTAR_ASSIGN_OR_RETURN(settings.port, params.IntegerOr("port", 443));
  if (settings.port < 1 || settings.port > 65535)
    return params.Error("port", "must be between 1 and 65535");
  MORTAR_ASSIGN_OR_RETURN(settings.http_path, params.StringOr("http_path", ""));
  MORTAR_ASSIGN_OR_RETURN(settings.catalog, params.StringOr("catalog", ""));
  MORTAR_ASSIGN_OR_RETURN(settings.schema, params.StringOr("schema", ""));
  MORTAR_ASSIGN_OR_RETURN(std::string ca_file, params.StringOr("ca_file", ""));
  if (!ca_file.empty()) settings.ca_file = home.Resolve(ca_file).string();
  MORTAR_ASSIGN_OR_RETURN(settings.query_timeout_seconds,
                          params.IntegerOr("query_timeout_seconds", 0));
  MORTAR_ASSIGN_OR_RETURN(settings.cloudfetch_downloads,
                          params.IntegerOr("cloudfetch_downloads", 3));
  if (settings.cloudfetch_downloads < 1 || settings.cloudfetch_downloads > 16)
    return params.Error("cloudfetch_downloads", "must be between 1 and 16");
  MORTAR_ASSIGN_OR_RETURN(settings.connect_url, params.StringOr("connect_url", ""));
  if (!settings.connect_url.empty() && settings.connect_url.rfind("sc://", 0) != 0)
    return params.Error("connect_url", "expected a Spark Connect URL, sc://host:port");
  MORTAR_ASSIGN_OR_RETURN(settings.cluster_id, params.StringOr("cluster_id", ""));
  MORTAR_ASSIGN_OR_RETURN(settings.serverless, params.BooleanOr("serverless", false));
  MORTAR_ASSIGN_OR_RETURN(std::string transport,
                          params.ChoiceOr("transport", {"thrift", "rest"}, "thrift"));
  settings.rest = transport == "rest";
  if (params.Has("direct_read")) {
    MORTAR_ASSIGN_OR_RETURN(auto direct, params.Object("direct_read"));
    MORTAR_RETURN_IF_ERROR(
        direct.CheckObject({"enabled", "storage_endpoint", "region", "azure_endpoint", "ca_file",
                            "row_groups_ahead", "renew_before_seconds"}));
    auto& read = settings.direct_read;
    MORTAR_ASSIGN_OR_RETURN(read.enabled, direct.BooleanOr("enabled", true));
    for (auto [field, endpoint] : {std::pair{"storage_endpoint", &read.storage_endpoint},
                                   std::pair{"azure_endpoint", &read.azure_endpoint}}) {
      MORTAR_ASSIGN_OR_RETURN(*endpoint, direct.StringOr(field, ""));
      if (!endpoint->empty() && endpoint->rfind("https://", 0) != 0 &&
          endpoint->rfind("http://", 0) != 0) {
        return direct.Error(field, "expected an http:// or https:// URL");
      }
    }
    MORTAR_ASSIGN_OR_RETURN(read.region, direct.StringOr("region", "us-east-1"));
    MORTAR_ASSIGN_OR_RETURN(std::string storage_ca, direct.StringOr("ca_file", ""));
    if (!storage_ca.empty()) read.ca_file = home.Resolve(storage_ca).string();
    MORTAR_ASSIGN_OR_RETURN(read.row_groups_ahead, direct.IntegerOr("row_groups_ahead", 1));
    if (read.row_groups_ahead < 1 || read.row_groups_ahead > 16)
      return direct.Error("row_groups_ahead", "must be between 1 and 16");
    MORTAR_ASSIGN_OR_RETURN(read.renew_before_seconds,
                            direct.IntegerOr("renew_before_seconds", 300));
    if (read.renew_before_seconds < 0 || read.renew_before_seconds > 12 * 3600)
      return direct.Error("renew_before_seconds", "must be between 0 and 43200 (12 hours)");
  }
  MORTAR_ASSIGN_OR_RETURN(auto driver, params.ObjectOr("driver"));
  MORTAR_RETURN_IF_ERROR(driver.CheckObject({"mode", "path", "options"}));
  MORTAR_ASSIGN_OR_RETURN(std::string mode,
                          driver.ChoiceOr("mode", {"builtin", "user_provided"}, "builtin"));
  if (mode == "user_provided") {
    MORTAR_ASSIGN_OR_RETURN(std::string path, driver.String("path"));
    fs::path folder = (home.DriversDir() / "databricks").lexically_normal();
    fs::path resolved = (folder / path).lexically_normal();
    if (!PathWithin(resolved, folder) || fs::path(path).is_absolute()) {
      return driver.Error("path", "must be a file inside " + folder.string());
    }
    if (!fs::is_regular_file(resolved)) {
      return driver.Error("path", "no driver at " + resolved.string() +
                                      "; an admin puts the ODBC driver's library there");
    }
    settings.driver_path = resolved.string();
    MORTAR_ASSIGN_OR_RETURN(auto options, driver.ObjectOr("options"));
    for (const auto& [key, value] : options.json().items()) {
      if (!value.is_string() && !value.is_number()) {
        return options.Error(key, "expected a string or a number");
      }
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      if (std::string problem = OdbcOptionProblem(key, text); !problem.empty())
        return options.Error(key, problem);
      settings.driver_options.emplace_back(key, std::move(text));
    }
  }
  MORTAR_ASSIGN_OR_RETURN(auto auth, params.Object("auth"));
  MORTAR_ASSIGN_OR_RETURN(settings.auth, ParseAuthSettings(auth, config.name, home));
  if (settings.auth.type == "profile") {
    MORTAR_ASSIGN_OR_RETURN(auto profile,
                            ReadConfigProfile(DefaultConfigFile(), settings.auth.profile));
    if (settings.host.empty() && profile.count("host") > 0) settings.host = profile["host"];
  }
  if (settings.auth.type == "environment" && settings.host.empty()) {
    const char* host = std::getenv("DATABRICKS_HOST");
    if (host != nullptr) settings.host = host;
  }
  // Hosts are written with or without the scheme.
  for (std::string_view scheme : {"https://", "http://"}) {
    if (settings.host.rfind(scheme, 0) == 0) settings.host = settings.host.substr(scheme.size());
  }
  while (!settings.host.empty() && settings.host.back() == '/') settings.host.pop_back();
  // "host:port" (as DATABRICKS_HOST may be written) when no port is given apart.
  if (auto colon = settings.host.rfind(':');
      colon != std::string::npos && !params.Has("port") && colon + 1 < settings.host.size() &&
      settings.host.find_first_not_of("0123456789", colon + 1) == std::string::npos) {
    auto port = ParseInteger(std::string_view(settings.host).substr(colon + 1));
    if (!port) return params.Error("host", "the port in '" + settings.host + "' is too large");
    settings.port = *port;
    settings.host.resize(colon);
  }
  if (settings.host.empty()) {
    return params.Error("host", settings.auth.type == "environment"
                                    ? "missing, and DATABRICKS_HOST is not set"
                                    : "missing; expected the workspace host name");
  }
  if (settings.http_path.empty()) {
    return params.Error("http_path",
                        "missing; expected /sql/1.0/warehouses/<id> or a cluster path");
  }
  if (settings.http_path[0] != '/') settings.http_path = "/" + settings.http_path;
  if (settings.rest) {
    if (!settings.driver_path.empty()) {
      return params.Error("transport",
                          "'rest' is Mortar's built-in driver; a user-provided "
                          "driver (driver.mode) chooses its own transport");
    }
    MORTAR_ASSIGN_OR_RETURN(settings.warehouse_id, WarehouseIdOf(settings.http_path));
  }
  settings.auth.workspace_url = "https://" + settings.host + ":" + std::to_string(settings.port);
  settings.auth.ca_file = settings.ca_file;
  return settings;
}

}  // namespace mortar::databricks
