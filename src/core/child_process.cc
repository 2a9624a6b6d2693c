#include "mortar/core/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mortar/core/interrupt.h"

extern char** environ;

namespace mortar {

namespace {

// Splits what a pipe delivers into lines for the caller.
struct LineSplitter {
  std::string pending;
  const std::function<void(const std::string&)>* sink;

  void Feed(const char* data, std::size_t size) {
    pending.append(data, size);
    std::size_t start = 0;
    for (std::size_t newline; (newline = pending.find('\n', start)) != std::string::npos;) {
      Emit(pending.substr(start, newline - start));
      start = newline + 1;
    }
    pending.erase(0, start);
  }
  void Flush() {
    if (!pending.empty()) Emit(pending);
    pending.clear();
  }
  void Emit(const std::string& line) {
    if (*sink) (*sink)(line);
  }
};

}  // namespace

std::map<std::string, std::string> CurrentEnvironment() {
  std::map<std::string, std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text = *entry;
    std::size_t equals = text.find('=');
    if (equals != std::string::npos) environment[text.substr(0, equals)] = text.substr(equals + 1);
  }
  return environment;
}

Result<int> RunChildProcess(const ChildProcess& process) {
  if (process.argv.empty()) return Status::Invalid("no program to run");
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return Status::Internal("pipe: " + std::string(strerror(errno)));
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return Status::Internal("pipe: " + std::string(strerror(errno)));
  }
  // Everything the child needs is prepared before fork: only async-signal-safe calls
  // happen in between fork and exec.
  std::vector<std::string> environment_text;
  for (const auto& [key, value] : process.environment)
    environment_text.push_back(key + "=" + value);
  std::vector<char*> argv;
  for (const auto& arg : process.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& entry : environment_text) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string directory = process.working_directory.string();

  pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
    return Status::Internal("fork: " + std::string(strerror(errno)));
  }
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    if (!directory.empty() && chdir(directory.c_str()) != 0) _exit(126);
    execvpe(argv[0], argv.data(), envp.data());
    static const char kFailed[] = "mortar: cannot start the program\n";
    (void)!write(STDERR_FILENO, kFailed, sizeof kFailed - 1);
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  LineSplitter stdout_lines{{}, &process.on_stdout_line};
  LineSplitter stderr_lines{{}, &process.on_stderr_line};
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  LineSplitter* splitters[2] = {&stdout_lines, &stderr_lines};
  int open_pipes = 2;
  bool interrupted = false;
  char buffer[8192];
  while (open_pipes > 0) {
    if (!interrupted && InterruptRequested()) {
      interrupted = true;
      kill(pid, SIGTERM);
    }
    int ready = poll(fds, 2, 200);
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t size = read(fds[i].fd, buffer, sizeof buffer);
      if (size > 0) {
        splitters[i]->Feed(buffer, static_cast<std::size_t>(size));
      } else if (size == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  for (auto& pipe : fds) {
    if (pipe.fd >= 0) close(pipe.fd);
  }
  stdout_lines.Flush();
  stderr_lines.Flush();
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (interrupted) return Status::Cancelled("interrupted: the program was stopped");
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace mortar
