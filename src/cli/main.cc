// The `mortar` command: parses the command line, runs the verb, and turns the outcome
// into a message and an exit code at this one boundary.
#include <csignal>
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_code.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  mortar::Status status = mortar::cli::Run(args, std::cout, std::cerr);
  std::cout.flush();
  if (!status.ok()) {
    std::cerr << "error: " << status.ToString() << "\n";
  }
  return mortar::cli::ExitCode(status);
}
