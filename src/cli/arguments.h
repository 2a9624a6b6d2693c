// Command-line arguments: positional words and --options, with the global options
// (--home, --user, --project, --json) taken out wherever they stand.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mortar/core/result.h"

namespace mortar::cli {

class Arguments {
 public:
  // `flags` are options that take no value (besides the global ones).
  static Result<Arguments> Parse(const std::vector<std::string>& argv);

  const std::vector<std::string>& words() const { return words_; }
  std::optional<std::string> Option(const std::string& name) const;
  std::vector<std::string> Options(const std::string& name) const;  // repeated
  bool Flag(const std::string& name) const;
  // Fails on any option not in `allowed` (global ones are always allowed).
  Status CheckOptions(const std::vector<std::string>& allowed) const;
  Result<int64_t> IntegerOption(const std::string& name, int64_t fallback) const;

 private:
  std::vector<std::string> words_;
  std::multimap<std::string, std::string> options_;
};

// Options that never take a value.
bool IsFlag(const std::string& name);

}  // namespace mortar::cli
