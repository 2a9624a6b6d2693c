// The formula language of visual recipes (filters, prepare steps, window and split
// conditions): any text is parsed and, when it parses, compiled for both dialects
// against columns of every kind.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mortar/sql/dialect.h"
#include "mortar/sql/expression.h"

namespace {

const mortar::Schema& Columns() {
  using mortar::Type;
  static const mortar::Schema columns({{"qty", Type::Int64()},
                                       {"price", Type::Double()},
                                       {"amount", *Type::Decimal(38, 6)},
                                       {"name", Type::String()},
                                       {"day", Type::Date()},
                                       {"at", Type::Timestamp()},
                                       {"local", Type::TimestampNtz()},
                                       {"ok", Type::Boolean()},
                                       {"tags", Type::Array(Type::String())},
                                       {"a`b\"c;\nd", Type::String()}});
  return columns;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = mortar::sql::ParseExpression(text);
  if (!parsed.ok()) return 0;
  for (const mortar::sql::Dialect* dialect :
       {&mortar::sql::SqliteDialect(), &mortar::sql::DatabricksDialect()}) {
    (void)mortar::sql::CompileExpression(*parsed, *dialect, Columns());
    (void)mortar::sql::CompileCondition(text, *dialect, Columns());
  }
  return 0;
}
