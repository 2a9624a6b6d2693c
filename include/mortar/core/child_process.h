// Runs a program as a child process with an explicit environment, handing its output
// to the caller line by line as it comes. Used for code recipes' interpreters.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mortar/core/result.h"

namespace mortar {

// On a failed RunChildProcess: this system refuses the namespaces that hide Mortar's
// secrets from the program, so the program could run only without that isolation.
class IsolationUnavailableDetail final : public StatusDetail {
 public:
  std::string ToString() const override { return "isolation=unavailable"; }
};

// The longest line handed on: a longer one is cut there (marked so) and its rest dropped.
constexpr std::size_t kMaxChildLineBytes = 64 << 10;

struct ChildProcess {
  // argv[0] is looked up on PATH when it has no '/'. Never put a secret here: process
  // arguments are visible to every user of the machine.
  std::vector<std::string> argv;
  // The whole environment of the child (nothing is inherited implicitly).
  std::map<std::string, std::string> environment;
  std::filesystem::path working_directory;
  std::function<void(const std::string&)> on_stdout_line;
  std::function<void(const std::string&)> on_stderr_line;
  // Paths the child must not read although it runs as Mortar's own OS user (the key
  // file, the vault, token files). Each is covered in a mount namespace of the child's
  // own (a folder by an empty read-only tmpfs, a file by /dev/null), made in a user
  // namespace and then locked by a second one, so the child cannot uncover them. A
  // child in another user namespace cannot read Mortar's memory either (/proc/<pid>/
  // mem, environ). Paths that do not exist are skipped.
  std::vector<std::filesystem::path> hidden;
};

// The exit code, or 128 + the signal that ended the child. An interrupt of Mortar
// (core/interrupt.h) terminates the child and returns kCancelled. When `hidden` is
// set and the system allows no user namespaces, the child is not started: the error
// says so (kInvalid, with the reason the kernel gave).
Result<int> RunChildProcess(const ChildProcess& process);

// This process's environment, as a map.
std::map<std::string, std::string> CurrentEnvironment();

}  // namespace mortar
