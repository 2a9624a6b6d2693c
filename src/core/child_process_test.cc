#include "mortar/core/child_process.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mortar {
namespace {

std::vector<std::string> StdoutLines(const std::string& script) {
  std::vector<std::string> lines;
  ChildProcess process;
  process.argv = {"/bin/sh", "-c", script};
  process.environment = {{"PATH", "/usr/bin:/bin"}};
  process.working_directory = "/";
  process.on_stdout_line = [&](const std::string& line) { lines.push_back(line); };
  auto exit_code = RunChildProcess(process);
  EXPECT_TRUE(exit_code.ok()) << exit_code.status().ToString();
  EXPECT_EQ(exit_code.ok() ? *exit_code : -1, 0);
  return lines;
}

TEST(ChildProcessTest, OutputComesLineByLine) {
  EXPECT_EQ(StdoutLines("printf 'one\\ntwo\\n'; printf 'thr'; sleep 0.1; printf 'ee\\nlast'"),
            (std::vector<std::string>{"one", "two", "three", "last"}));
}

TEST(ChildProcessTest, AVeryLongLineIsCutAndItsRestDropped) {
  // A megabyte without a line end, then a short line.
  auto lines = StdoutLines("head -c 1000000 /dev/zero | tr '\\0' x; printf '\\nnext\\n'");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::string(kMaxChildLineBytes, 'x') + " [line cut at 65536 bytes]");
  EXPECT_EQ(lines[1], "next");
}

}  // namespace
}  // namespace mortar
