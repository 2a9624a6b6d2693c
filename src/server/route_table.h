// The routes a server answers, added through here so that they can be listed: a unit
// test holds them against the OpenAPI document (openapi.json) both ways.
#pragma once

#include <httplib.h>

#include <string>
#include <utility>
#include <vector>

namespace mortar::server {

class RouteTable {
 public:
  struct Route {
    std::string method;
    std::string pattern;  // a regular expression over the whole path, as cpp-httplib's
  };

  explicit RouteTable(httplib::Server& http) : http_(http) {}

  template <typename Handler>
  void Get(const std::string& pattern, Handler&& handler) {
    routes_.push_back({"GET", pattern});
    http_.Get(pattern, std::forward<Handler>(handler));
  }
  template <typename Handler>
  void Post(const std::string& pattern, Handler&& handler) {
    routes_.push_back({"POST", pattern});
    http_.Post(pattern, std::forward<Handler>(handler));
  }
  template <typename Handler>
  void Put(const std::string& pattern, Handler&& handler) {
    routes_.push_back({"PUT", pattern});
    http_.Put(pattern, std::forward<Handler>(handler));
  }
  template <typename Handler>
  void Delete(const std::string& pattern, Handler&& handler) {
    routes_.push_back({"DELETE", pattern});
    http_.Delete(pattern, std::forward<Handler>(handler));
  }

  const std::vector<Route>& routes() const { return routes_; }

 private:
  httplib::Server& http_;
  std::vector<Route> routes_;
};

}  // namespace mortar::server
