// The formula language's parser: recursive descent from text to an Expression, with
// the offset of every error and a bound on nesting (kMaxFormulaDepth).
#include <algorithm>
#include <cctype>

#include "mortar/core/ascii_case.h"
#include "mortar/sql/expression.h"

namespace mortar::sql {

namespace {

struct Token {
  enum class Kind { kEnd, kNumber, kString, kName, kQuotedName, kSymbol };
  Kind kind = Kind::kEnd;
  std::string text;
  std::size_t offset = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Expression> Parse() {
    MORTAR_RETURN_IF_ERROR(Advance());
    MORTAR_ASSIGN_OR_RETURN(Expression expression, ParseOr());
    if (token_.kind != Token::Kind::kEnd) return Unexpected("an operator or the end");
    return expression;
  }

 private:
  Status Error(std::size_t offset, const std::string& what) const {
    return Status::Invalid("formula '" + std::string(text_) + "': " + what + " at character " +
                           std::to_string(offset + 1));
  }
  Status Unexpected(const std::string& expected) const {
    std::string found = token_.kind == Token::Kind::kEnd ? "the end" : "'" + token_.text + "'";
    return Error(token_.offset, "expected " + expected + ", found " + found);
  }

  bool IsKeyword(std::string_view keyword) const {
    return token_.kind == Token::Kind::kName && AsciiUpper(token_.text) == keyword;
  }
  bool IsSymbol(std::string_view symbol) const {
    return token_.kind == Token::Kind::kSymbol && token_.text == symbol;
  }

  Status Advance() {
    while (position_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[position_])))
      ++position_;
    token_ = Token{};
    token_.offset = position_;
    if (position_ >= text_.size()) return Status::OK();
    char c = text_[position_];
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && position_ + 1 < text_.size() &&
         std::isdigit(static_cast<unsigned char>(text_[position_ + 1])))) {
      std::size_t start = position_;
      while (
          position_ < text_.size() &&
          (std::isdigit(static_cast<unsigned char>(text_[position_])) || text_[position_] == '.'))
        ++position_;
      if (position_ < text_.size() && (text_[position_] == 'e' || text_[position_] == 'E')) {
        ++position_;
        if (position_ < text_.size() && (text_[position_] == '+' || text_[position_] == '-'))
          ++position_;
        while (position_ < text_.size() &&
               std::isdigit(static_cast<unsigned char>(text_[position_])))
          ++position_;
      }
      token_.kind = Token::Kind::kNumber;
      token_.text = std::string(text_.substr(start, position_ - start));
      if (std::count(token_.text.begin(), token_.text.end(), '.') > 1)
        return Error(start, "malformed number '" + token_.text + "'");
      return Status::OK();
    }
    if (c == '\'' || c == '`') {
      // 'string' or `column`; the quote is escaped by doubling it.
      std::size_t start = position_++;
      std::string value;
      while (true) {
        if (position_ >= text_.size()) {
          return Error(start, c == '\'' ? "unterminated string" : "unterminated `name`");
        }
        if (text_[position_] == c) {
          if (position_ + 1 < text_.size() && text_[position_ + 1] == c) {
            value += c;
            position_ += 2;
            continue;
          }
          ++position_;
          break;
        }
        value += text_[position_++];
      }
      token_.kind = c == '\'' ? Token::Kind::kString : Token::Kind::kQuotedName;
      token_.text = value;
      return Status::OK();
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t start = position_;
      while (
          position_ < text_.size() &&
          (std::isalnum(static_cast<unsigned char>(text_[position_])) || text_[position_] == '_'))
        ++position_;
      token_.kind = Token::Kind::kName;
      token_.text = std::string(text_.substr(start, position_ - start));
      return Status::OK();
    }
    static constexpr std::string_view kTwo[] = {"<=", ">=", "<>", "!=", "=="};
    for (std::string_view symbol : kTwo) {
      if (text_.substr(position_, 2) == symbol) {
        token_.kind = Token::Kind::kSymbol;
        token_.text = std::string(symbol);
        position_ += 2;
        return Status::OK();
      }
    }
    if (std::string_view("()+-*/%=<>,").find(c) != std::string_view::npos) {
      token_.kind = Token::Kind::kSymbol;
      token_.text = std::string(1, c);
      ++position_;
      return Status::OK();
    }
    return Error(position_, std::string("unexpected character '") + c + "'");
  }

  Result<Expression> Binary(std::string op, Expression left, Expression right) const {
    Expression out;
    out.kind = Expression::Kind::kBinary;
    out.text = std::move(op);
    out.arguments.push_back(std::move(left));
    out.arguments.push_back(std::move(right));
    MORTAR_RETURN_IF_ERROR(Deepen(out));
    return out;
  }

  // Sets a node's depth from its arguments', refusing a tree deeper than the limit.
  Status Deepen(Expression& node) const {
    for (const Expression& argument : node.arguments)
      node.depth = std::max(node.depth, argument.depth + 1);
    if (node.depth > kMaxFormulaDepth) return TooDeep();
    return Status::OK();
  }
  Status TooDeep() const {
    return Error(token_.offset, "the formula nests more than " + std::to_string(kMaxFormulaDepth) +
                                    " levels deep; split it into several steps");
  }

  // Counts the parser's own recursion (parentheses, NOT, unary minus, calls), which
  // may run deeper than the tree it builds: "((((x))))".
  class Nesting {
   public:
    explicit Nesting(int& level) : level_(++level) {}
    ~Nesting() { --level_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;
    bool too_deep() const { return level_ > kMaxFormulaDepth; }

   private:
    int& level_;
  };

  Result<Expression> ParseOr() {
    MORTAR_ASSIGN_OR_RETURN(Expression left, ParseAnd());
    while (IsKeyword("OR")) {
      MORTAR_RETURN_IF_ERROR(Advance());
      MORTAR_ASSIGN_OR_RETURN(Expression right, ParseAnd());
      MORTAR_ASSIGN_OR_RETURN(left, Binary("OR", std::move(left), std::move(right)));
    }
    return left;
  }

  Result<Expression> ParseAnd() {
    MORTAR_ASSIGN_OR_RETURN(Expression left, ParseNot());
    while (IsKeyword("AND")) {
      MORTAR_RETURN_IF_ERROR(Advance());
      MORTAR_ASSIGN_OR_RETURN(Expression right, ParseNot());
      MORTAR_ASSIGN_OR_RETURN(left, Binary("AND", std::move(left), std::move(right)));
    }
    return left;
  }

  Result<Expression> ParseNot() {
    if (IsKeyword("NOT")) {
      Nesting nesting(nesting_);
      if (nesting.too_deep()) return TooDeep();
      MORTAR_RETURN_IF_ERROR(Advance());
      MORTAR_ASSIGN_OR_RETURN(Expression operand, ParseNot());
      Expression out;
      out.kind = Expression::Kind::kUnary;
      out.text = "NOT";
      out.arguments.push_back(std::move(operand));
      MORTAR_RETURN_IF_ERROR(Deepen(out));
      return out;
    }
    return ParseComparison();
  }

  Result<Expression> ParseComparison() {
    MORTAR_ASSIGN_OR_RETURN(Expression left, ParseAdditive());
    if (IsKeyword("IS")) {
      MORTAR_RETURN_IF_ERROR(Advance());
      Expression out;
      out.kind = Expression::Kind::kIsNull;
      out.text = "IS";
      if (IsKeyword("NOT")) {
        out.text = "IS NOT";
        MORTAR_RETURN_IF_ERROR(Advance());
      }
      if (!IsKeyword("NULL")) return Unexpected("NULL");
      MORTAR_RETURN_IF_ERROR(Advance());
      out.arguments.push_back(std::move(left));
      MORTAR_RETURN_IF_ERROR(Deepen(out));
      return out;
    }
    if (IsKeyword("IN") || IsKeyword("NOT")) {
      Expression out;
      out.kind = Expression::Kind::kIn;
      out.text = IsKeyword("NOT") ? "NOT IN" : "IN";
      MORTAR_RETURN_IF_ERROR(Advance());
      if (out.text == "NOT IN") {
        if (!IsKeyword("IN")) return Unexpected("IN");
        MORTAR_RETURN_IF_ERROR(Advance());
      }
      if (!IsSymbol("(")) return Unexpected("'('");
      out.arguments.push_back(std::move(left));
      do {
        MORTAR_RETURN_IF_ERROR(Advance());
        MORTAR_ASSIGN_OR_RETURN(Expression value, ParseAdditive());
        out.arguments.push_back(std::move(value));
      } while (IsSymbol(","));
      if (!IsSymbol(")")) return Unexpected("',' or ')'");
      MORTAR_RETURN_IF_ERROR(Advance());
      MORTAR_RETURN_IF_ERROR(Deepen(out));
      return out;
    }
    for (std::string_view op : {"=", "==", "!=", "<>", "<", "<=", ">", ">="}) {
      if (!IsSymbol(op)) continue;
      std::string normalised = op == "==" ? "=" : op == "!=" ? "<>" : std::string(op);
      MORTAR_RETURN_IF_ERROR(Advance());
      MORTAR_ASSIGN_OR_RETURN(Expression right, ParseAdditive());
      return Binary(normalised, std::move(left), std::move(right));
    }
    return left;
  }

  Result<Expression> ParseAdditive() {
    MORTAR_ASSIGN_OR_RETURN(Expression left, ParseMultiplicative());
    while (IsSymbol("+") || IsSymbol("-")) {
      std::string op = token_.text;
      MORTAR_RETURN_IF_ERROR(Advance());
      MORTAR_ASSIGN_OR_RETURN(Expression right, ParseMultiplicative());
      MORTAR_ASSIGN_OR_RETURN(left, Binary(op, std::move(left), std::move(right)));
    }
    return left;
  }

  Result<Expression> ParseMultiplicative() {
    MORTAR_ASSIGN_OR_RETURN(Expression left, ParseUnary());
    while (IsSymbol("*") || IsSymbol("/") || IsSymbol("%")) {
      std::string op = token_.text;
      MORTAR_RETURN_IF_ERROR(Advance());
      MORTAR_ASSIGN_OR_RETURN(Expression right, ParseUnary());
      MORTAR_ASSIGN_OR_RETURN(left, Binary(op, std::move(left), std::move(right)));
    }
    return left;
  }

  Result<Expression> ParseUnary() {
    if (IsSymbol("-")) {
      Nesting nesting(nesting_);
      if (nesting.too_deep()) return TooDeep();
      MORTAR_RETURN_IF_ERROR(Advance());
      MORTAR_ASSIGN_OR_RETURN(Expression operand, ParseUnary());
      Expression out;
      out.kind = Expression::Kind::kUnary;
      out.text = "-";
      out.arguments.push_back(std::move(operand));
      MORTAR_RETURN_IF_ERROR(Deepen(out));
      return out;
    }
    return ParsePrimary();
  }

  Result<Expression> ParsePrimary() {
    Expression out;
    switch (token_.kind) {
      case Token::Kind::kNumber:
        out.kind = Expression::Kind::kNumber;
        out.text = token_.text;
        MORTAR_RETURN_IF_ERROR(Advance());
        return out;
      case Token::Kind::kString:
        out.kind = Expression::Kind::kString;
        out.text = token_.text;
        MORTAR_RETURN_IF_ERROR(Advance());
        return out;
      case Token::Kind::kQuotedName:
        out.kind = Expression::Kind::kColumn;
        out.text = token_.text;
        MORTAR_RETURN_IF_ERROR(Advance());
        return out;
      case Token::Kind::kName: {
        std::string upper = AsciiUpper(token_.text);
        if (upper == "NULL" || upper == "TRUE" || upper == "FALSE") {
          out.kind = upper == "NULL" ? Expression::Kind::kNull : Expression::Kind::kBoolean;
          out.boolean = upper == "TRUE";
          MORTAR_RETURN_IF_ERROR(Advance());
          return out;
        }
        if (upper == "AND" || upper == "OR" || upper == "NOT" || upper == "IS" || upper == "IN") {
          return Unexpected("a value");
        }
        out.text = token_.text;
        MORTAR_RETURN_IF_ERROR(Advance());
        if (!IsSymbol("(")) {
          out.kind = Expression::Kind::kColumn;
          return out;
        }
        out.kind = Expression::Kind::kCall;
        for (char& c : out.text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        Nesting nesting(nesting_);
        if (nesting.too_deep()) return TooDeep();
        MORTAR_RETURN_IF_ERROR(Advance());
        if (IsSymbol(")")) return Advance().ok() ? Result<Expression>(out) : Unexpected("a value");
        while (true) {
          MORTAR_ASSIGN_OR_RETURN(Expression argument, ParseOr());
          out.arguments.push_back(std::move(argument));
          if (IsSymbol(",")) {
            MORTAR_RETURN_IF_ERROR(Advance());
            continue;
          }
          if (!IsSymbol(")")) return Unexpected("',' or ')'");
          MORTAR_RETURN_IF_ERROR(Advance());
          MORTAR_RETURN_IF_ERROR(Deepen(out));
          return out;
        }
      }
      case Token::Kind::kSymbol:
        if (IsSymbol("(")) {
          Nesting nesting(nesting_);
          if (nesting.too_deep()) return TooDeep();
          MORTAR_RETURN_IF_ERROR(Advance());
          MORTAR_ASSIGN_OR_RETURN(out, ParseOr());
          if (!IsSymbol(")")) return Unexpected("')'");
          MORTAR_RETURN_IF_ERROR(Advance());
          return out;
        }
        return Unexpected("a value");
      case Token::Kind::kEnd:
        return Unexpected("a value");
    }
    return Unexpected("a value");
  }

  std::string_view text_;
  std::size_t position_ = 0;
  Token token_;
  int nesting_ = 0;
};

}  // namespace

Result<Expression> ParseExpression(std::string_view text) {
  return Parser(text).Parse();
}

}  // namespace mortar::sql
