#include "server/build_launcher.h"

#include <unistd.h>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "mortar/core/child_process.h"

namespace mortar::server {

namespace {

// How long a build may take to record its job (it reads the flow and checks which
// outputs exist, which on a database is a round trip per dataset).
constexpr auto kStartTimeout = std::chrono::seconds(120);
// The error lines kept from a build that stopped before its job started.
constexpr std::size_t kMostErrorLines = 20;

Result<std::string> ThisProgram() {
  char path[4096];
  ssize_t size = readlink("/proc/self/exe", path, sizeof path - 1);
  if (size <= 0) return Status::Internal("cannot find the mortar program to run the build");
  return std::string(path, static_cast<std::size_t>(size));
}

// What the child says, shared with the thread that waits for it.
struct Handshake {
  std::mutex mutex;
  std::promise<Result<std::string>> job;
  bool answered = false;
  std::vector<std::string> errors;

  void Answer(Result<std::string> result) {
    std::lock_guard lock(mutex);
    if (answered) return;
    answered = true;
    job.set_value(std::move(result));
  }
};

// The error a build that exited before its job started stopped on, from its exit code
// (as the CLI maps errors to codes) and what it wrote on stderr.
Status ExitError(int exit_code, std::string message) {
  if (message.empty()) message = "the build stopped (exit code " + std::to_string(exit_code) + ")";
  switch (exit_code) {
    case 2:
      return Status::Invalid(std::move(message));
    case 3:
      return Status::NotFound(std::move(message));
    case 4:
      return Status::PermissionDenied(std::move(message));
    case 5:
      return Status::Conflict(std::move(message));
    case 6:
      return Status::Remote(std::move(message));
    default:
      return Status::Internal(std::move(message));
  }
}

}  // namespace

Result<std::string> BuildLauncher::Start(const config::Home& home, const BuildRequest& request) {
  if (request.datasets.empty() == request.recipe.empty())
    return Status::Invalid("name the datasets to build or the recipe to run");
  MORTAR_ASSIGN_OR_RETURN(std::string program, ThisProgram());
  if (running_->fetch_add(1) >= kMostRunning) {
    running_->fetch_sub(1);
    return Status::Conflict(std::to_string(kMostRunning) +
                            " builds started here are running: wait for one to end, or "
                            "cancel one (POST /api/jobs/ID/cancel)");
  }
  ChildProcess child;
  // Names only: nothing secret goes on a command line.
  child.argv = {program,      "--home",    home.root().string(), "--user",
                request.user, "--project", request.project};
  if (!request.recipe.empty()) {
    // A recipe's name starts with a letter or digit: never read as an option.
    child.argv.insert(child.argv.end(),
                      {"recipe", "run", request.recipe, "--print-job", "--quiet"});
  } else {
    child.argv.insert(child.argv.end(), {"build", "--print-job", "--quiet"});
    if (request.force) child.argv.push_back("--force");
    child.argv.push_back("--");
    for (const auto& dataset : request.datasets) child.argv.push_back(dataset);
  }
  child.environment = CurrentEnvironment();
  child.working_directory = home.root();
  auto handshake = std::make_shared<Handshake>();
  auto answer = handshake->job.get_future();
  child.on_stdout_line = [handshake](const std::string& line) {
    if (!line.empty()) handshake->Answer(line);
  };
  child.on_stderr_line = [handshake](const std::string& line) {
    std::lock_guard lock(handshake->mutex);
    if (handshake->errors.size() < kMostErrorLines) handshake->errors.push_back(line);
  };
  std::thread([child = std::move(child), handshake, running = running_] {
    Result<int> exit = RunChildProcess(child);
    running->fetch_sub(1);
    std::string error;
    {
      std::lock_guard lock(handshake->mutex);
      for (const auto& line : handshake->errors) error += (error.empty() ? "" : "\n") + line;
    }
    handshake->Answer(exit.ok() ? ExitError(*exit, std::move(error)) : exit.status());
  }).detach();
  if (answer.wait_for(kStartTimeout) != std::future_status::ready) {
    return Status::Remote("the build has not started its job after " +
                          std::to_string(kStartTimeout.count()) +
                          " s; it may still: see GET /api/jobs");
  }
  return answer.get();
}

}  // namespace mortar::server
