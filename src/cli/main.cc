// The `mortar` command: parses the command line, runs the verb, and turns the outcome
// into a message and an exit code at this one boundary.
#include <malloc.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "mortar/core/interrupt.h"

namespace {

// The first Ctrl-C asks running work to stop cleanly (statements are cancelled on the
// server, outputs left as they were); a second one ends the process at once.
void OnInterrupt(int) {
  if (mortar::InterruptRequested().exchange(true)) std::_Exit(130);
}

}  // namespace

int main(int argc, char** argv) {
  // Arrow's jemalloc pool gives freed pages back where mimalloc (the wheel's default)
  // keeps them: a 10M-row CloudFetch read to Parquet peaked at 221 MiB against 305 MiB,
  // with less system time. Read once, at the first allocation; a user's choice stays.
  setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc", /*overwrite=*/0);
  // Blocks of 4 MiB and more from malloc (HTTP bodies: a direct read's ranged GETs of up
  // to 32 MiB, made on Arrow's I/O threads) are mapped and unmapped, not kept: glibc
  // otherwise raises its threshold after the first free and keeps such blocks in each
  // thread's arena. The 10M-row direct read to Parquet peaked at 212-222 MiB instead of
  // 240-269 MiB, to nothing at 120 MiB instead of 174 MiB.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  std::signal(SIGPIPE, SIG_IGN);
  // SIGTERM (a service manager's stop; `mortar serve` stopping its builds) as Ctrl-C:
  // the running statement is cancelled, outputs left as they were, staged files removed.
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  std::vector<std::string> args(argv + 1, argv + argc);
  mortar::Status status;
  try {
    status = mortar::cli::Run(args, std::cout, std::cerr);
  } catch (const std::exception& error) {
    // A bug, or input a check missed (a JSON field of the wrong type): a message and
    // exit code 70, never an abort.
    status = mortar::Status::Internal(std::string("unexpected error: ") + error.what() +
                                      " (please report it with the command that caused it)");
  }
  std::cout.flush();
  if (!status.ok()) {
    std::cerr << "error: " << status.ToString() << "\n";
  }
  return mortar::cli::ExitCode(status);
}
