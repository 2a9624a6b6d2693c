#include "cli/arguments.h"

#include <charconv>

namespace mortar::cli {

namespace {

constexpr const char* kFlags[] = {"json",      "help",     "force",   "sql",      "quiet",
                                  "no-header", "detect",   "replace", "admin",    "print",
                                  "save",      "everyone", "dot",     "print-job"};
constexpr const char* kGlobal[] = {"home", "user", "project", "json", "help", "quiet"};

}  // namespace

bool IsFlag(const std::string& name) {
  for (const char* flag : kFlags) {
    if (name == flag) return true;
  }
  return false;
}

Result<Arguments> Arguments::Parse(const std::vector<std::string>& argv) {
  Arguments arguments;
  bool only_words = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (only_words || arg.size() < 2 || arg.rfind("--", 0) != 0) {
      if (arg == "-h") {
        arguments.options_.emplace("help", "");
        continue;
      }
      arguments.words_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_words = true;
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    auto equals = name.find('=');
    if (equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    } else if (!IsFlag(name)) {
      if (i + 1 >= argv.size()) return Status::Invalid("option --" + name + " needs a value");
      value = argv[++i];
    }
    arguments.options_.emplace(name, value);
  }
  return arguments;
}

std::optional<std::string> Arguments::Option(const std::string& name) const {
  auto it = options_.find(name);
  if (it == options_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Arguments::Options(const std::string& name) const {
  std::vector<std::string> values;
  auto [begin, end] = options_.equal_range(name);
  for (auto it = begin; it != end; ++it) values.push_back(it->second);
  return values;
}

bool Arguments::Flag(const std::string& name) const {
  return options_.count(name) > 0;
}

Status Arguments::CheckOptions(const std::vector<std::string>& allowed) const {
  for (const auto& [name, unused] : options_) {
    bool known = false;
    for (const char* global : kGlobal) known = known || name == global;
    for (const auto& option : allowed) known = known || name == option;
    if (!known) return Status::Invalid("unknown option --" + name + " (see --help)");
  }
  return Status::OK();
}

Result<int64_t> Arguments::IntegerOption(const std::string& name, int64_t fallback) const {
  auto value = Option(name);
  if (!value) return fallback;
  int64_t number = 0;
  auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
  if (error != std::errc() || end != value->data() + value->size() || number < 0) {
    return Status::Invalid("option --" + name + " needs a whole number, got '" + *value + "'");
  }
  return number;
}

}  // namespace mortar::cli
