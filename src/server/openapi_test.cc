#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "server/api_routes.h"
#include "server/openapi_document.h"
#include "testing/temp_home.h"

namespace mortar::server {
namespace {

using Json = nlohmann::json;

// An operation of the document with every concrete path it stands for: each path
// parameter replaced by each of its enum values, or by its example.
struct Operation {
  std::string method;
  std::string path;
  std::vector<std::string> samples;
};

std::vector<std::string> Instantiate(const std::string& path, const Json& parameters) {
  std::vector<std::string> paths{path};
  for (const auto& parameter : parameters) {
    if (parameter.value("in", "") != "path") continue;
    std::string hole = "{" + parameter.at("name").get<std::string>() + "}";
    std::vector<std::string> values;
    const Json& schema = parameter.at("schema");
    if (schema.contains("enum")) {
      for (const auto& value : schema.at("enum")) values.push_back(value.get<std::string>());
    } else {
      EXPECT_TRUE(parameter.contains("example")) << path << ": " << hole << " has no example";
      values.push_back(parameter.value("example", "x"));
    }
    std::vector<std::string> next;
    for (const auto& p : paths) {
      for (const auto& value : values) {
        std::string filled = p;
        filled.replace(filled.find(hole), hole.size(), value);
        next.push_back(filled);
      }
    }
    paths = next;
  }
  return paths;
}

std::vector<Operation> DocumentedOperations() {
  Json document = Json::parse(OpenApiDocument());
  std::vector<Operation> operations;
  for (const auto& [path, item] : document.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      operations.push_back(
          {upper, path, Instantiate(path, operation.value("parameters", Json::array()))});
      EXPECT_TRUE(operation.contains("summary")) << upper << " " << path;
      EXPECT_TRUE(operation.contains("responses")) << upper << " " << path;
    }
  }
  return operations;
}

// The routes `mortar serve` answers under /api/, as the server adds them.
std::vector<RouteTable::Route> ServedRoutes() {
  testing::TempHome home;
  auto registry = std::make_shared<Registry>();
  auto tokens = std::make_shared<auth::TokenSourceCache>();
  std::ostringstream log;
  RouteContext routes(home.home(), registry, "http://127.0.0.1:1", tokens, log);
  LoginThrottle throttle;
  TicketStore tickets;
  DataApi data_api(home.home(), registry, tokens, tickets);
  httplib::Server server;
  RouteTable table(server);
  AddApiRoutes(table, routes, throttle, data_api);
  return table.routes();
}

TEST(OpenApiDocumentTest, DescribesEveryRouteTheServerAnswersAndNoOther) {
  auto operations = DocumentedOperations();
  auto routes = ServedRoutes();
  ASSERT_GT(routes.size(), 20u);
  for (const auto& route : routes) {
    ASSERT_EQ(route.pattern.rfind("/api/", 0), 0u) << route.pattern;
    std::regex pattern(route.pattern);
    bool documented = false;
    for (const auto& operation : operations) {
      if (operation.method != route.method) continue;
      for (const auto& sample : operation.samples)
        documented = documented || std::regex_match(sample, pattern);
    }
    EXPECT_TRUE(documented) << route.method << " " << route.pattern
                            << " is served but not in src/server/openapi.json";
  }
  for (const auto& operation : operations) {
    for (const auto& sample : operation.samples) {
      bool served = false;
      for (const auto& route : routes) {
        served = served || (route.method == operation.method &&
                            std::regex_match(sample, std::regex(route.pattern)));
      }
      EXPECT_TRUE(served) << operation.method << " " << operation.path << " (as " << sample
                          << ") is in src/server/openapi.json but not served";
    }
  }
}

TEST(OpenApiDocumentTest, IsOpenApi31WithTheErrorShapeAndBothWaysToAuthenticate) {
  Json document = Json::parse(OpenApiDocument());
  EXPECT_EQ(document.at("openapi"), "3.1.0");
  const Json& schemes = document.at("components").at("securitySchemes");
  EXPECT_EQ(schemes.at("apiKey").at("scheme"), "bearer");
  EXPECT_EQ(schemes.at("session").at("name"), SessionStore::kCookie);
  EXPECT_EQ(document.at("components").at("schemas").at("Error").at("required"),
            Json::array({"error"}));
}

}  // namespace
}  // namespace mortar::server
