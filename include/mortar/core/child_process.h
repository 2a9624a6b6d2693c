// Runs a program as a child process with an explicit environment, handing its output
// to the caller line by line as it comes. Used for code recipes' interpreters.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mortar/core/result.h"

namespace mortar {

struct ChildProcess {
  // argv[0] is looked up on PATH when it has no '/'. Never put a secret here: process
  // arguments are visible to every user of the machine.
  std::vector<std::string> argv;
  // The whole environment of the child (nothing is inherited implicitly).
  std::map<std::string, std::string> environment;
  std::filesystem::path working_directory;
  std::function<void(const std::string&)> on_stdout_line;
  std::function<void(const std::string&)> on_stderr_line;
};

// The exit code, or 128 + the signal that ended the child. An interrupt of Mortar
// (core/interrupt.h) terminates the child and returns kCancelled.
Result<int> RunChildProcess(const ChildProcess& process);

// This process's environment, as a map.
std::map<std::string, std::string> CurrentEnvironment();

}  // namespace mortar
