// Builds started from the REST API: each runs as `mortar build` in a child process of
// the server, acting as the user who asked, so that it is a job like any other (listed,
// logged, cancelled with SIGINT) and a build that fails or is cancelled cannot take
// the server with it.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "mortar/config/home.h"
#include "mortar/core/result.h"

namespace mortar::server {

// The datasets to build, or one recipe to run now (`mortar recipe run`).
struct BuildRequest {
  std::string user;
  std::string project;
  std::vector<std::string> datasets;
  std::string recipe;
  bool force = false;
};

class BuildLauncher {
 public:
  // At most this many builds started by the server run at once.
  static constexpr int kMostRunning = 4;

  // Starts the build and returns its job id once the job is recorded (before any recipe
  // runs), or the error the build stopped on before that. The caller has checked that
  // the user may build the project; the child checks again.
  Result<std::string> Start(const config::Home& home, const BuildRequest& request);

 private:
  std::shared_ptr<std::atomic<int>> running_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace mortar::server
