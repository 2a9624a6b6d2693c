#include "sql/statement_splitter.h"

#include <cctype>

namespace mortar::sql {

namespace {

bool IsBlank(const std::string& text) {
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> SplitStatements(const std::string& script, bool backslash_escapes) {
  std::vector<std::string> statements;
  std::string current;
  char quote = 0;
  for (std::size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    if (quote != 0) {
      current += c;
      if (backslash_escapes && c == '\\' && i + 1 < script.size()) {
        current += script[++i];
        continue;
      }
      if (c == quote) {
        if (i + 1 < script.size() && script[i + 1] == quote) {
          current += script[++i];
        } else {
          quote = 0;
        }
      }
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      quote = c;
      current += c;
    } else if (c == '-' && i + 1 < script.size() && script[i + 1] == '-') {
      while (i < script.size() && script[i] != '\n') ++i;
      current += '\n';
    } else if (c == '/' && i + 1 < script.size() && script[i + 1] == '*') {
      i += 2;
      while (i + 1 < script.size() && !(script[i] == '*' && script[i + 1] == '/')) ++i;
      ++i;
      current += ' ';
    } else if (c == ';') {
      if (!IsBlank(current)) statements.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!IsBlank(current)) statements.push_back(current);
  for (auto& statement : statements) {
    std::size_t start = statement.find_first_not_of(" \t\r\n");
    std::size_t end = statement.find_last_not_of(" \t\r\n");
    statement = statement.substr(start, end - start + 1);
  }
  return statements;
}

}  // namespace mortar::sql
