#include "mortar/auth/token_source.h"

namespace mortar::auth {

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

class SharedTokenSource final : public TokenSource {
 public:
  explicit SharedTokenSource(std::shared_ptr<TokenSource> shared) : shared_(std::move(shared)) {}
  Result<std::string> AuthorizationHeader() override { return shared_->AuthorizationHeader(); }
  std::string Describe() const override { return shared_->Describe(); }

 private:
  std::shared_ptr<TokenSource> shared_;
};

}  // namespace

std::unique_ptr<TokenSource> MakeStaticTokenSource(std::string token, std::string description) {
  return std::make_unique<StaticTokenSource>(std::move(token), std::move(description));
}

std::unique_ptr<TokenSource> ShareTokenSource(std::shared_ptr<TokenSource> shared) {
  return std::make_unique<SharedTokenSource>(std::move(shared));
}

}  // namespace mortar::auth
