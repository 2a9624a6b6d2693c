#include "mortar/auth/token_source.h"

namespace mortar::auth {

Result<ExpiringHeader> TokenSource::CurrentHeader() {
  MORTAR_ASSIGN_OR_RETURN(std::string header, AuthorizationHeader());
  return ExpiringHeader{std::move(header), 0};
}

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
  Result<ExpiringHeader> CurrentHeader() override { return shared_->CurrentHeader(); }
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
