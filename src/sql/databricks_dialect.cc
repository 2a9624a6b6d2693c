// Databricks SQL and open-source Spark SQL: backtick-quoted identifiers, string
// literals with backslash escapes, three-level names, Delta tables.
#include <cctype>

#include "mortar/core/ascii_case.h"
#include "mortar/sql/dialect.h"
#include "sql/delta_table_properties.h"

namespace mortar::sql {

namespace {

class Databricks final : public Dialect {
 public:
  std::string_view name() const override { return "databricks"; }

  // A name with '${' cannot be quoted safely: Spark substitutes ${...} (${env:NAME} is an
  // environment variable of the server) before it parses, inside backticks too, which
  // have no escapes. Written into a table, the name would carry the server's value.
  std::string ColumnNameProblem(std::string_view name) const override {
    if (std::string problem = Dialect::ColumnNameProblem(name); !problem.empty()) return problem;
    if (name.find("${") != std::string_view::npos)
      return "Spark would substitute the '${...}' in it";
    return {};
  }

  std::string QuoteIdentifier(std::string_view identifier) const override {
    std::string out = "`";
    for (char c : identifier) {
      if (c == '`') out += '`';
      out += c;
    }
    return out + "`";
  }

  // Spark reads backslash escapes inside literals, so both the quote and the
  // backslash are escaped; control characters are written as escapes too. Spark also
  // substitutes ${...} in a statement's text before parsing it (unless
  // spark.sql.variable.substitute is off, which warehouses may not let a session
  // set): a '$' before '{' is written as the escape \u0024, which the substitution
  // does not see and the parser turns back into '$'.
  std::string QuoteString(std::string_view value) const override {
    std::string out = "'";
    for (std::size_t i = 0; i < value.size(); ++i) {
      char c = value[i];
      if (c == '$' && i + 1 < value.size() && value[i + 1] == '{') {
        out += "\\u0024";
        continue;
      }
      switch (c) {
        case '\'':
          out += "\\'";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\0':
          out += "\\0";
          break;
        default:
          out += c;
      }
    }
    return out + "'";
  }

  std::string DialectNativeType(const Type& type) const override {
    switch (type.kind()) {
      case TypeKind::kBinary:
        return "BINARY";
      case TypeKind::kArray:
        return "ARRAY<" + NativeType(type.fields()[0].type) + ">";
      case TypeKind::kMap:
        return "MAP<" + NativeType(type.fields()[0].type) + ", " +
               NativeType(type.fields()[1].type) + ">";
      case TypeKind::kStruct: {
        std::string text = "STRUCT<";
        for (std::size_t i = 0; i < type.fields().size(); ++i) {
          if (i > 0) text += ", ";
          text += QuoteIdentifier(type.fields()[i].name) + ": " + NativeType(type.fields()[i].type);
        }
        return text + ">";
      }
      default:
        return "STRING";
    }
  }

  // Type names as Databricks reports them (DESCRIBE, GetColumns): "decimal(10,2)",
  // "array<int>", "struct<a:int,b:string>", "timestamp_ntz", "void"...
  Result<Type> MortarType(std::string_view native) const override {
    std::string lower = AsciiLower(native);
    if (lower.rfind("interval", 0) == 0) return Type::String();
    // Spark's spellings that differ from Mortar's.
    static constexpr std::pair<std::string_view, std::string_view> kRenames[] = {
        {"integer", "int"},     {"long", "bigint"},
        {"short", "smallint"},  {"byte", "tinyint"},
        {"real", "float"},      {"void", "string"},
        {"interval", "string"}, {"char", "string"},
        {"varchar", "string"},  {"timestamp_ltz", "timestamp"}};
    std::string text;
    // Rewrite words outside backticks; drop "not null" and comments from struct fields.
    std::size_t i = 0;
    while (i < lower.size()) {
      char c = lower[i];
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        std::size_t start = i;
        while (i < lower.size() &&
               (std::isalnum(static_cast<unsigned char>(lower[i])) || lower[i] == '_')) {
          ++i;
        }
        std::string word = lower.substr(start, i - start);
        // varchar(10) and char(3) become string: skip the length.
        bool sized_text = word == "varchar" || word == "char";
        for (const auto& [from, to] : kRenames) {
          if (word == from) word = std::string(to);
        }
        // Keep the original case of struct field names (they are followed by ':').
        std::size_t next = i;
        while (next < lower.size() && lower[next] == ' ') ++next;
        if (next < lower.size() && lower[next] == ':') {
          word = std::string(native.substr(start, i - start));
        }
        text += word;
        if (sized_text && i < lower.size() && lower[i] == '(') {
          while (i < lower.size() && lower[i] != ')') ++i;
          ++i;
        }
        continue;
      }
      if (c == '`') {
        std::size_t end = lower.find('`', i + 1);
        if (end == std::string::npos) break;
        text += std::string(native.substr(i + 1, end - i - 1));
        i = end + 1;
        continue;
      }
      if (c != ' ') text += c;
      ++i;
    }
    return Type::Parse(text);
  }

  std::string RenameTable(const TableName& from, const TableName& to) const override {
    return "ALTER TABLE " + TableReference(from) + " RENAME TO " + TableReference(to);
  }

  std::string CreateTable(const TableName& table, const Schema& schema) const override {
    return Dialect::CreateTable(table, schema) + " USING DELTA" +
           DeltaTableProperties(schema, /*replacing=*/false);
  }

  // Spark in ANSI mode fails a whole query on one bad value in CAST.
  std::string TryCast(std::string_view expression, const Type& type) const override {
    return "TRY_CAST(" + std::string(expression) + " AS " + NativeType(type) + ")";
  }

  std::string Concat(const std::vector<std::string>& parts) const override {
    std::string out = "concat(";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? ", " : "") + parts[i];
    return out + ")";
  }

  std::string ExtractDatePart(DatePart part, std::string_view expression) const override {
    std::string_view function = "year";
    if (part == DatePart::kMonth) function = "month";
    if (part == DatePart::kDay) function = "day";
    if (part == DatePart::kHour) function = "hour";
    return std::string(function) + "(" + std::string(expression) + ")";
  }

  // Grouping on a truncated date (a number) instead of formatted text: formatting every
  // row is most of a 10M-row chart's time; only the bins are formatted.
  std::string DateBinKey(DatePart part, std::string_view expression) const override {
    std::string value(expression);
    if (part == DatePart::kYear) return "trunc(" + value + ", 'YEAR')";
    if (part == DatePart::kMonth) return "trunc(" + value + ", 'MM')";
    if (part == DatePart::kDay) return "CAST(" + value + " AS DATE)";
    return "date_trunc('HOUR', " + value + ")";
  }

  std::string DateBinLabel(DatePart part, std::string_view key) const override {
    std::string_view format = "yyyy";
    if (part == DatePart::kMonth) format = "yyyy-MM";
    if (part == DatePart::kDay) format = "yyyy-MM-dd";
    if (part == DatePart::kHour) format = "yyyy-MM-dd HH:00";
    return "date_format(" + std::string(key) + ", '" + std::string(format) + "')";
  }

  std::string AddDays(std::string_view date, std::string_view days) const override {
    return "date_add(" + std::string(date) + ", " + std::string(days) + ")";
  }

  std::string DaysBetween(std::string_view start, std::string_view end) const override {
    return "datediff(" + std::string(end) + ", " + std::string(start) + ")";
  }

  std::string RandomBelow(double ratio) const override {
    return "rand() < " + std::to_string(ratio);
  }

  // Spark has no fixed limit; Delta tables get slow to plan far beyond this.
  std::size_t MaxColumns() const override { return 4096; }
};

}  // namespace

const Dialect& DatabricksDialect() {
  static const Databricks kDialect;
  return kDialect;
}

}  // namespace mortar::sql
