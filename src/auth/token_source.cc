#include "connectors/databricks/token_source.h"

namespace mortar::databricks {

namespace {

class StaticTokenSource final : public TokenSource {
 public:
  StaticTokenSource(std::string token, std::string description)
      : header_("Bearer " + std::move(token)), description_(std::move(description)) {}
  Result<std::string> AuthorizationHeader() override { return header_; }
  std::string Describe() const override { return description_; }

 private:
  std::string header_;
  std::string description_;
};

}  // namespace

std::unique_ptr<TokenSource> MakeStaticTokenSource(std::string token, std::string description) {
  return std::make_unique<StaticTokenSource>(std::move(token), std::move(description));
}

}  // namespace mortar::databricks
