#include "mortar/auth/oauth_token_sources.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "mortar/auth/authorization_flow.h"
#include "mortar/core/wall_time.h"
#include "testing/temp_home.h"

namespace mortar::auth {
namespace {

// A token endpoint in memory: counts requests, answers with numbered tokens, and
// rotates refresh tokens as a Databricks workspace with rotation does.
class FakeTokenEndpoint {
 public:
  TransportFactory Transports() {
    return [this]() -> Result<std::unique_ptr<http::Transport>> {
      return std::unique_ptr<http::Transport>(new Connection(this));
    };
  }
  int requests() const { return requests_; }
  std::string last_authorization() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_authorization_;
  }
  std::string last_body() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_body_;
  }
  std::string live_refresh_token() {
    std::lock_guard<std::mutex> lock(mutex_);
    return live_refresh_;
  }
  int64_t expires_in = 3600;
  int64_t refresh_token_expires_in = 0;   // said when not 0, as Entra ID says it
  bool unavailable = false;               // answer 500
  std::function<void()> while_answering;  // runs inside each request, before the answer

 private:
  class Connection final : public http::Transport {
   public:
    explicit Connection(FakeTokenEndpoint* endpoint) : endpoint_(endpoint) {}
    Result<http::Response> Send(const http::Request& request) override {
      return endpoint_->Answer(request);
    }

   private:
    FakeTokenEndpoint* endpoint_;
  };

  http::Response Answer(const http::Request& request) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let callers pile up
    if (while_answering) while_answering();
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_;
    last_body_ = request.body;
    if (unavailable) return http::Response{500, {}, R"({"error":"temporarily_unavailable"})"};
    for (const auto& header : request.headers)
      if (header.name == "Authorization") last_authorization_ = header.value;
    if (request.body.find("grant_type=refresh_token") != std::string::npos &&
        request.body.find("refresh_token=" + live_refresh_) == std::string::npos) {
      return http::Response{
          400, {}, R"({"error":"invalid_grant","error_description":"Refresh token is invalid"})"};
    }
    int n = requests_;
    live_refresh_ = "refresh-" + std::to_string(n);
    return http::Response{
        200,
        {},
        R"({"access_token":"access-)" + std::to_string(n) + R"(","refresh_token":")" +
            live_refresh_ + R"(","expires_in":)" + std::to_string(expires_in) +
            (refresh_token_expires_in > 0
                 ? R"(,"refresh_token_expires_in":)" + std::to_string(refresh_token_expires_in)
                 : std::string()) +
            R"(,"token_type":"Bearer"})"};
  }

  std::mutex mutex_;
  std::atomic<int> requests_{0};
  std::string last_authorization_;
  std::string last_body_;
  std::string live_refresh_ = "refresh-0";
};

// Asks the source from `callers` threads at once; returns how many got `expected`.
int CallConcurrently(TokenSource& source, int callers, const std::string& expected) {
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int i = 0; i < callers; ++i) {
    threads.emplace_back([&] { good += source.AuthorizationHeader().ValueOr("") == expected; });
  }
  for (auto& thread : threads) thread.join();
  return good;
}

OAuthClientConfig Config() {
  return OAuthClientConfig{"client:1",
                           "p&ss",
                           {"https://ws/oidc/v1/authorize", "https://ws/oidc/v1/token"},
                           "sql offline_access",
                           ""};
}

TEST(OAuthClientTest, ClientSecretIsFormEncodedThenSentWithBasic) {
  FakeTokenEndpoint endpoint;
  OAuthClient client(Config(), endpoint.Transports());
  auto grant = client.ClientCredentials();
  ASSERT_TRUE(grant.ok()) << grant.status().ToString();
  EXPECT_EQ(grant->access_token, "access-1");
  // base64("client%3A1:p%26ss")
  EXPECT_EQ(endpoint.last_authorization(), "Basic Y2xpZW50JTNBMTpwJTI2c3M=");
  EXPECT_NE(endpoint.last_body().find("grant_type=client_credentials"), std::string::npos);
}

TEST(OAuthClientTest, AnInvalidRefreshTokenIsAnAuthErrorWithoutTheToken) {
  FakeTokenEndpoint endpoint;
  OAuthClient client(Config(), endpoint.Transports());
  auto refreshed = client.Refresh("stolen-or-expired-token");
  ASSERT_FALSE(refreshed.ok());
  EXPECT_EQ(refreshed.status().code(), ErrorCode::kAuth);
  ASSERT_NE(refreshed.status().detail<OAuthErrorDetail>(), nullptr);
  EXPECT_EQ(refreshed.status().detail<OAuthErrorDetail>()->error, "invalid_grant");
  EXPECT_EQ(refreshed.status().ToString().find("stolen-or-expired-token"), std::string::npos);
}

TEST(OAuthClientTest, AuthorizationUrlCarriesPkceS256AndState) {
  OAuthClient client(Config());
  Pkce pkce = MakePkce();
  EXPECT_GE(pkce.verifier.size(), 43u);
  EXPECT_EQ(S256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");  // RFC 7636 appendix B
  std::string url =
      client.AuthorizationUrl("http://127.0.0.1:8484/api/oauth2-callback", "st4te", pkce.challenge);
  EXPECT_EQ(url.rfind("https://ws/oidc/v1/authorize?response_type=code&", 0), 0u) << url;
  EXPECT_NE(url.find("code_challenge_method=S256"), std::string::npos);
  EXPECT_NE(url.find("state=st4te"), std::string::npos);
  EXPECT_NE(url.find("code_challenge=" + pkce.challenge), std::string::npos);
}

TEST(TokenSourcesTest, ConcurrentCallersShareOneClientCredentialsRequest) {
  FakeTokenEndpoint endpoint;
  auto source = MakeClientCredentialsSource(OAuthClient(Config(), endpoint.Transports()), "test");
  EXPECT_EQ(CallConcurrently(*source, 20, "Bearer access-1"), 20);
  EXPECT_EQ(endpoint.requests(), 1);
}

// A slow token endpoint that fails: the callers waiting on the one request get its
// failure, instead of each sending its own after it (found by bench/serve_load.py).
TEST(TokenSourcesTest, ConcurrentCallersShareOneFailedClientCredentialsRequest) {
  FakeTokenEndpoint endpoint;
  endpoint.unavailable = true;
  endpoint.while_answering = [] { std::this_thread::sleep_for(std::chrono::milliseconds(300)); };
  auto source = MakeClientCredentialsSource(OAuthClient(Config(), endpoint.Transports()), "test");
  EXPECT_EQ(CallConcurrently(*source, 8, ""), 8);
  EXPECT_EQ(endpoint.requests(), 1);
  // A later caller tries again, and succeeds once the endpoint does.
  endpoint.unavailable = false;
  EXPECT_EQ(source->AuthorizationHeader().ValueOr(""), "Bearer access-2");
  EXPECT_EQ(endpoint.requests(), 2);
}

// What a recipe's Databricks Connect session is given: the token with its expiry, the
// same token until Mortar renews it, and a static token as never expiring.
TEST(TokenSourcesTest, TheCurrentHeaderSaysWhenItsTokenExpires) {
  FakeTokenEndpoint endpoint;
  endpoint.expires_in = 600;
  auto source = MakeClientCredentialsSource(OAuthClient(Config(), endpoint.Transports()), "test");
  const int64_t before = UnixSeconds();
  auto header = source->CurrentHeader();
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  EXPECT_EQ(header->value, "Bearer access-1");
  EXPECT_GE(header->expires_at, before + 600);
  EXPECT_LE(header->expires_at, UnixSeconds() + 600);
  auto shared = ShareTokenSource(source);
  auto again = shared->CurrentHeader();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->value, "Bearer access-1");
  EXPECT_EQ(again->expires_at, header->expires_at);
  EXPECT_EQ(endpoint.requests(), 1);
  auto fixed = MakeStaticTokenSource("dapi-1", "a token")->CurrentHeader();
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->value, "Bearer dapi-1");
  EXPECT_EQ(fixed->expires_at, 0);
}

TEST(TokenSourcesTest, UserGrantRefreshesOnceAndPersistsTheRotatedRefreshToken) {
  testing::TempHome temp;
  auto vault = *security::Vault::Open(temp.home());
  FakeTokenEndpoint endpoint;
  // A grant whose access token has expired already.
  TokenGrant initial{"access-0", "refresh-0", 0, "sql offline_access"};
  ASSERT_TRUE(StoreUserGrant(vault, "user/alice/connection/dbx/oauth", initial).ok());
  auto source = MakeUserGrantSource(OAuthClient(Config(), endpoint.Transports()), vault,
                                    "user/alice/connection/dbx/oauth", "dbx", "authorize again");
  EXPECT_EQ(CallConcurrently(*source, 20, "Bearer access-1"), 20);
  EXPECT_EQ(endpoint.requests(), 1);
  auto stored = vault.Get("user/alice/connection/dbx/oauth");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_NE(stored->value().find(endpoint.live_refresh_token()), std::string::npos);
  // Another process (a second source on the same vault) reuses the fresh access token.
  auto second = MakeUserGrantSource(OAuthClient(Config(), endpoint.Transports()), vault,
                                    "user/alice/connection/dbx/oauth", "dbx", "authorize again");
  EXPECT_EQ(second->AuthorizationHeader().ValueOr(""), "Bearer access-1");
  EXPECT_EQ(endpoint.requests(), 1);
}

TEST(TokenSourcesTest, AGrantSaysWhenItsTokensExpireWhenTheServerSays) {
  testing::TempHome temp;
  auto vault = *security::Vault::Open(temp.home());
  const std::string slot = "user/alice/connection/dbx/oauth";
  // Stored with an access token already expired, and no word on the refresh token.
  int64_t stored_at = UnixSeconds();
  ASSERT_TRUE(StoreUserGrant(vault, slot, TokenGrant{"access-0", "refresh-0", 0, "sql"}).ok());
  auto info = ReadUserGrantInfo(vault, slot);
  ASSERT_TRUE(info.ok() && info->has_value());
  EXPECT_GE((*info)->access_expires_at, UtcText(stored_at));
  EXPECT_EQ((*info)->refresh_expires_at, "");
  // A refresh whose answer gives the new refresh token's lifetime (90 days).
  FakeTokenEndpoint endpoint;
  endpoint.refresh_token_expires_in = 90 * 86400;
  auto source = MakeUserGrantSource(OAuthClient(Config(), endpoint.Transports()), vault, slot,
                                    "dbx", "authorize again");
  int64_t before = UnixSeconds();
  ASSERT_EQ(source->AuthorizationHeader().ValueOr(""), "Bearer access-1");
  int64_t after = UnixSeconds();
  info = ReadUserGrantInfo(vault, slot);
  ASSERT_TRUE(info.ok() && info->has_value());
  EXPECT_GE((*info)->access_expires_at, UtcText(before + 3600));
  EXPECT_LE((*info)->access_expires_at, UtcText(after + 3600));
  EXPECT_GE((*info)->refresh_expires_at, UtcText(before + 90 * 86400));
  EXPECT_LE((*info)->refresh_expires_at, UtcText(after + 90 * 86400));
  // A rotation that says nothing of the new token's lifetime forgets the old one's.
  endpoint.refresh_token_expires_in = 0;
  endpoint.expires_in = 0;
  ASSERT_TRUE(vault
                  .Put(slot, R"({"refresh_token":")" + endpoint.live_refresh_token() +
                                 R"(","access_token":"x","expires_at":0,"refresh_expires_at":1})")
                  .ok());
  auto again = MakeUserGrantSource(OAuthClient(Config(), endpoint.Transports()), vault, slot, "dbx",
                                   "authorize again");
  ASSERT_TRUE(again->AuthorizationHeader().ok());
  info = ReadUserGrantInfo(vault, slot);
  ASSERT_TRUE(info.ok() && info->has_value());
  EXPECT_EQ((*info)->refresh_expires_at, "");
}

TEST(TokenSourcesTest, TheVaultStaysUsableWhileTheTokenEndpointIsSlow) {
  testing::TempHome temp;
  auto vault = *security::Vault::Open(temp.home());
  FakeTokenEndpoint endpoint;
  ASSERT_TRUE(StoreUserGrant(vault, "user/alice/connection/dbx/oauth",
                             TokenGrant{"access-0", "refresh-0", 0, ""})
                  .ok());
  // While the refresh is out, another thread (or process) stores another secret.
  bool stored_meanwhile = false;
  endpoint.while_answering = [&] {
    auto put = std::async(std::launch::async, [&] { return vault.Put("connection/x/token", "t"); });
    stored_meanwhile = put.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  };
  auto source = MakeUserGrantSource(OAuthClient(Config(), endpoint.Transports()), vault,
                                    "user/alice/connection/dbx/oauth", "dbx", "authorize again");
  EXPECT_EQ(source->AuthorizationHeader().ValueOr(""), "Bearer access-1");
  EXPECT_TRUE(stored_meanwhile) << "the vault was locked during the token request";
  EXPECT_EQ(vault.Get("connection/x/token")->value_or(""), "t");
}

// The vault cannot take the rotated refresh token (its file is replaced by a folder
// while the token endpoint answers: a failure that holds for root too). The one in the
// vault is spent already, so the new one is kept in memory and stored by the next call,
// with no second refresh.
TEST(TokenSourcesTest, ARotatedRefreshTokenTheVaultRefusedIsKeptAndStoredNext) {
  testing::TempHome temp;
  auto vault = *security::Vault::Open(temp.home());
  FakeTokenEndpoint endpoint;
  const std::string slot = "user/alice/connection/dbx/oauth";
  ASSERT_TRUE(StoreUserGrant(vault, slot, TokenGrant{"access-0", "refresh-0", 0, ""}).ok());
  const auto vault_file = temp.home().SecurityDir() / "vault.json";
  const auto saved_file = temp.home().SecurityDir() / "vault.json.saved";
  endpoint.while_answering = [&] {
    std::filesystem::rename(vault_file, saved_file);
    std::filesystem::create_directory(vault_file);
  };
  auto source = MakeUserGrantSource(OAuthClient(Config(), endpoint.Transports()), vault, slot,
                                    "dbx", "authorize again");
  auto header = source->AuthorizationHeader();
  ASSERT_FALSE(header.ok());
  EXPECT_NE(header.status().message().find("it is kept and stored again next"), std::string::npos)
      << header.status().message();
  endpoint.while_answering = nullptr;
  std::filesystem::remove(vault_file);
  std::filesystem::rename(saved_file, vault_file);
  EXPECT_EQ(source->AuthorizationHeader().ValueOr(""), "Bearer access-1");
  EXPECT_EQ(endpoint.requests(), 1);
  auto stored = vault.Get(slot);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_NE(stored->value().find("\"refresh_token\":\"refresh-1\""), std::string::npos);
}

// Forgetting credentials, deleting a user or authorizing again takes no slot lock: a
// refresh out at that moment must not bring the old grant back, nor overwrite the new.
TEST(TokenSourcesTest, AGrantRemovedOrReplacedDuringARefreshStaysSo) {
  testing::TempHome temp;
  auto vault = *security::Vault::Open(temp.home());
  FakeTokenEndpoint endpoint;
  const std::string slot = "user/alice/connection/dbx/oauth";
  ASSERT_TRUE(StoreUserGrant(vault, slot, TokenGrant{"access-0", "refresh-0", 0, ""}).ok());
  endpoint.while_answering = [&] { ASSERT_TRUE(vault.Delete(slot).ok()); };
  auto source = MakeUserGrantSource(OAuthClient(Config(), endpoint.Transports()), vault, slot,
                                    "dbx", "authorize again");
  auto header = source->AuthorizationHeader();
  ASSERT_FALSE(header.ok());
  EXPECT_NE(header.status().message().find("no authorization yet"), std::string::npos)
      << header.status().message();
  EXPECT_FALSE(vault.Get(slot)->has_value()) << "the deleted grant came back";

  ASSERT_TRUE(
      StoreUserGrant(vault, slot, TokenGrant{"access-0", endpoint.live_refresh_token(), 0, ""})
          .ok());
  bool replaced = false;
  endpoint.while_answering = [&] {
    if (replaced) return;
    replaced = true;
    ASSERT_TRUE(
        StoreUserGrant(vault, slot, TokenGrant{"access-new", "refresh-new", 3600, ""}).ok());
  };
  EXPECT_EQ(source->AuthorizationHeader().ValueOr(""), "Bearer access-new");
  auto stored = vault.Get(slot);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_NE(stored->value().find("\"refresh_token\":\"refresh-new\""), std::string::npos)
      << "the new grant was overwritten";
}

TEST(TokenSourcesTest, ARevokedRefreshTokenSaysToAuthorizeAgain) {
  testing::TempHome temp;
  auto vault = *security::Vault::Open(temp.home());
  FakeTokenEndpoint endpoint;
  ASSERT_TRUE(StoreUserGrant(vault, "slot", TokenGrant{"a", "revoked", 0, ""}).ok());
  auto source = MakeUserGrantSource(OAuthClient(Config(), endpoint.Transports()), vault, "slot",
                                    "connection 'dbx'", "authorize again: click Authorize");
  auto header = source->AuthorizationHeader();
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.status().code(), ErrorCode::kAuth);
  EXPECT_NE(header.status().message().find("expired or revoked"), std::string::npos);
  EXPECT_NE(header.status().message().find("authorize again: click Authorize"), std::string::npos);
  EXPECT_EQ(header.status().message().find("revoked\""), std::string::npos);
}

TEST(AuthorizationFlowTest, PendingGrantsAreUsedOnce) {
  testing::TempHome temp;
  auto vault = *security::Vault::Open(temp.home());
  OAuthClient client(Config());
  auto url = StartUserGrant(
      vault, client,
      PendingGrant{"alice", "dbx", "", "http://127.0.0.1:8484/api/oauth2-callback", "", 0});
  ASSERT_TRUE(url.ok());
  auto at = url->find("state=");
  std::string state = url->substr(at + 6, url->find('&', at) - at - 6);
  auto pending = TakePendingGrant(vault, state);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  EXPECT_EQ(pending->user, "alice");
  EXPECT_EQ(S256Challenge(pending->verifier), url->substr(url->find("code_challenge=") + 15, 43));
  EXPECT_FALSE(TakePendingGrant(vault, state).ok());
  EXPECT_FALSE(TakePendingGrant(vault, "made-up-state").ok());
  EXPECT_FALSE(TakePendingGrant(vault, "../../etc").ok());
}

}  // namespace
}  // namespace mortar::auth
