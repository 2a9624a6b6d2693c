#include "mortar/core/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "mortar/core/interrupt.h"

extern char** environ;

namespace mortar {

namespace {

// Splits what a pipe delivers into lines for the caller. A line longer than
// kMaxChildLineBytes (a script printing a huge array, or binary data) is cut there, and
// the rest of it dropped: memory stays bounded, and the log readable.
struct LineSplitter {
  std::string pending;
  const std::function<void(const std::string&)>* sink;
  bool cutting = false;  // past the limit: dropping until the line ends

  void Feed(const char* data, std::size_t size) {
    const char* end = data + size;
    while (data < end) {
      const char* newline = static_cast<const char*>(std::memchr(data, '\n', end - data));
      const char* stop = newline != nullptr ? newline : end;
      auto length = static_cast<std::size_t>(stop - data);
      if (!cutting) {
        std::size_t take = std::min(length, kMaxChildLineBytes - pending.size());
        pending.append(data, take);
        if (take < length) {
          Emit(pending + " [line cut at " + std::to_string(kMaxChildLineBytes) + " bytes]");
          pending.clear();
          cutting = true;
        }
      }
      if (newline == nullptr) break;
      if (!cutting) Emit(pending);
      pending.clear();
      cutting = false;
      data = newline + 1;
    }
  }
  void Flush() {
    if (!pending.empty()) Emit(pending);
    pending.clear();
  }
  void Emit(const std::string& line) {
    if (*sink) (*sink)(line);
  }
};

// What the child does to hide paths, prepared before fork.
struct HidingPlan {
  std::string uid_map;
  std::string gid_map;
  std::vector<std::string> folders;
  std::vector<std::string> files;
};

HidingPlan PlanHiding(const std::vector<std::filesystem::path>& hidden) {
  HidingPlan plan;
  plan.uid_map = std::to_string(getuid()) + " " + std::to_string(getuid()) + " 1\n";
  plan.gid_map = std::to_string(getgid()) + " " + std::to_string(getgid()) + " 1\n";
  for (const auto& path : hidden) {
    std::error_code error;
    auto status = std::filesystem::status(path, error);
    if (error) continue;
    std::string absolute = std::filesystem::absolute(path, error).lexically_normal().string();
    if (std::filesystem::is_directory(status)) {
      plan.folders.push_back(absolute);
    } else if (std::filesystem::exists(status)) {
      plan.files.push_back(absolute);
    }
  }
  return plan;
}

// Async-signal-safe: between fork and exec.
bool WriteWhole(const char* path, const std::string& text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return written;
}

// A user namespace in which this process keeps its own uid and gid, with a mount
// namespace of its own.
bool EnterNamespaces(const HidingPlan& plan) {
  if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return false;
  return WriteWhole("/proc/self/setgroups", "deny") &&
         WriteWhole("/proc/self/uid_map", plan.uid_map) &&
         WriteWhole("/proc/self/gid_map", plan.gid_map);
}

// In the child: covers the paths, then enters a second user namespace, in which the
// covers are locked (they came from a more privileged mount namespace). Returns the
// step that failed, or nullptr.
const char* Hide(const HidingPlan& plan) {
  if (!EnterNamespaces(plan)) return "unshare";
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return "mount";
  for (const auto& folder : plan.folders) {
    if (mount("tmpfs", folder.c_str(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "size=4k,mode=000") != 0) {
      return "mount";
    }
  }
  for (const auto& file : plan.files) {
    if (mount("/dev/null", file.c_str(), nullptr, MS_BIND, nullptr) != 0) return "mount";
  }
  if (!EnterNamespaces(plan)) return "unshare";
  return nullptr;
}

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
  // The child reports a failure to hide paths here: the step and errno.
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
    return Status::Internal("pipe: " + std::string(strerror(errno)));
  }
  const bool hide = !process.hidden.empty();
  const HidingPlan plan = hide ? PlanHiding(process.hidden) : HidingPlan{};
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
    for (int fd : {out[0], out[1], err[0], err[1], report[0], report[1]}) close(fd);
    return Status::Internal("fork: " + std::string(strerror(errno)));
  }
  if (pid == 0) {
    if (hide) {
      if (const char* step = Hide(plan); step != nullptr) {
        int code = errno;
        char failure[16] = {step[0], ' '};
        std::memcpy(failure + 2, &code, sizeof code);
        (void)!write(report[1], failure, 2 + sizeof code);
        _exit(125);
      }
    }
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
  close(report[1]);
  char failure[16];
  ssize_t reported;
  while ((reported = read(report[0], failure, sizeof failure)) < 0 && errno == EINTR) {
  }
  close(report[0]);
  if (reported == static_cast<ssize_t>(2 + sizeof(int))) {
    int code = 0;
    std::memcpy(&code, failure + 2, sizeof code);
    for (int fd : {out[0], err[0]}) close(fd);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return Status::Invalid(
               std::string("cannot hide Mortar's secrets from the program: this system refuses ") +
               (failure[0] == 'u' ? "user namespaces (unshare" : "a private mount (mount") + ": " +
               strerror(code) +
               "); allow unprivileged user namespaces (sysctl "
               "kernel.unprivileged_userns_clone=1, or a container seccomp profile that permits "
               "unshare)")
        .WithDetail(IsolationUnavailableDetail());
  }
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
