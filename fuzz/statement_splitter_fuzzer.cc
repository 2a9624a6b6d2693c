// The SQL script splitter (SQL recipes, `mortar sql`), in both quoting modes: it must
// take any text, and never lose or invent text outside comments.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sql/statement_splitter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string script(reinterpret_cast<const char*>(data), size);
  for (bool backslash_escapes : {false, true}) {
    for (const std::string& statement : mortar::sql::SplitStatements(script, backslash_escapes)) {
      if (statement.size() > script.size()) __builtin_trap();
    }
  }
  return 0;
}
