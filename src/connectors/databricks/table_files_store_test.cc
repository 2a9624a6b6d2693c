#include "connectors/databricks/table_files_store.h"

#include <gtest/gtest.h>

#include <vector>

namespace mortar::databricks {
namespace {

// Wall time set by the test.
class SetClock : public http::Clock {
 public:
  std::chrono::steady_clock::time_point Now() override { return {}; }
  std::chrono::system_clock::time_point WallNow() override {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms));
  }
  void SleepFor(std::chrono::milliseconds) override {}
  int64_t now_ms = 1'000'000'000;
};

VendedCredentials Credentials(const std::string& key, int64_t expires_at_ms,
                              const std::string& url = "s3://bucket/main/s/t") {
  VendedCredentials credentials{url, key, "secret-" + key, "token-" + key};
  credentials.expires_at_ms = expires_at_ms;
  return credentials;
}

// Counts the renewals and records the keys each store was opened with.
struct Vending {
  std::vector<std::string> opened;
  std::vector<Result<VendedCredentials>> answers;  // the next renewals, in order
  int renewals = 0;

  TableFilesStore::Open Open() {
    return [this](const VendedCredentials& credentials) {
      opened.push_back(credentials.access_key_id);
      return Result<std::shared_ptr<const ObjectStore>>(std::shared_ptr<const ObjectStore>());
    };
  }
  TableFilesStore::Renew Renew() {
    return [this]() -> Result<VendedCredentials> {
      if (answers.empty()) return Status::Internal("renewed more often than the test expects");
      auto answer = answers.front();
      answers.erase(answers.begin());
      ++renewals;
      return answer;
    };
  }
};

constexpr int64_t kHour = 3'600'000;

TEST(TableFilesStoreTest, RenewsTheCredentialsTheirLeadBeforeTheyExpire) {
  SetClock clock;
  Vending vending;
  const int64_t start = clock.now_ms;
  vending.answers.push_back(Credentials("K2", start + 2 * kHour));
  auto store = TableFilesStore::Make("main.s.t", Credentials("K1", start + kHour), vending.Open(),
                                     vending.Renew(), std::chrono::seconds(300), clock);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ((*store)->location(), "s3://bucket/main/s/t");
  clock.now_ms = start + kHour - 300'001;  // just before the lead
  ASSERT_TRUE((*store)->Current().ok());
  EXPECT_EQ(vending.renewals, 0);
  clock.now_ms = start + kHour - 300'000;
  ASSERT_TRUE((*store)->Current().ok());
  ASSERT_TRUE((*store)->Current().ok());
  EXPECT_EQ(vending.renewals, 1);
  EXPECT_EQ(vending.opened, (std::vector<std::string>{"K1", "K2"}));
  clock.now_ms = start + kHour + 10;  // the first ones' expiry: the new ones serve
  EXPECT_TRUE((*store)->Current().ok());
  EXPECT_EQ(vending.renewals, 1);
}

TEST(TableFilesStoreTest, CredentialsShorterThanTheLeadAreRenewedBeforeEachRead) {
  SetClock clock;
  Vending vending;
  for (const char* key : {"K2", "K3"})
    vending.answers.push_back(Credentials(key, clock.now_ms + 60'000));
  auto store =
      TableFilesStore::Make("main.s.t", Credentials("K1", clock.now_ms + 60'000), vending.Open(),
                            vending.Renew(), std::chrono::seconds(300), clock);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Current().ok());
  ASSERT_TRUE((*store)->Current().ok());
  EXPECT_EQ(vending.opened, (std::vector<std::string>{"K1", "K2", "K3"}));
}

TEST(TableFilesStoreTest, ARefusedRenewalKeepsTheCredentialsInHandUntilTheyExpire) {
  SetClock clock;
  Vending vending;
  const int64_t expiry = clock.now_ms + kHour;
  vending.answers.push_back(Status::PermissionDenied("EXTERNAL USE SCHEMA was revoked"));
  vending.answers.push_back(Status::Remote("Unity Catalog answered HTTP 503"));
  vending.answers.push_back(Status::PermissionDenied("EXTERNAL USE SCHEMA was revoked"));
  auto store = TableFilesStore::Make("main.s.t", Credentials("K1", expiry), vending.Open(),
                                     vending.Renew(), std::chrono::seconds(300), clock);
  ASSERT_TRUE(store.ok());
  clock.now_ms = expiry - 100'000;
  EXPECT_TRUE((*store)->Current().ok());  // refused: K1 still serves
  clock.now_ms += 29'999;
  EXPECT_TRUE((*store)->Current().ok());  // not asked again within half a minute
  EXPECT_EQ(vending.renewals, 1);
  clock.now_ms += 1;
  EXPECT_TRUE((*store)->Current().ok());
  EXPECT_EQ(vending.renewals, 2);
  clock.now_ms = expiry;
  auto expired = (*store)->Current();
  ASSERT_FALSE(expired.ok());
  EXPECT_NE(expired.status().message().find("have expired and could not be renewed"),
            std::string::npos)
      << expired.status().message();
  EXPECT_NE(expired.status().message().find("EXTERNAL USE SCHEMA was revoked"), std::string::npos);
  EXPECT_EQ(vending.opened, (std::vector<std::string>{"K1"}));
}

TEST(TableFilesStoreTest, CredentialsForAnotherLocationFailTheRead) {
  SetClock clock;
  Vending vending;
  vending.answers.push_back(
      Credentials("K2", clock.now_ms + 2 * kHour, "s3://bucket/main/s/t-recreated"));
  auto store =
      TableFilesStore::Make("main.s.t", Credentials("K1", clock.now_ms + 1000), vending.Open(),
                            vending.Renew(), std::chrono::seconds(300), clock);
  ASSERT_TRUE(store.ok());
  auto moved = (*store)->Current();
  ASSERT_FALSE(moved.ok());
  EXPECT_NE(moved.status().message().find("moved from s3://bucket/main/s/t to"), std::string::npos)
      << moved.status().message();
  EXPECT_EQ(vending.opened, (std::vector<std::string>{"K1"}));
}

TEST(TableFilesStoreTest, CredentialsWithoutExpiryAreNeverRenewed) {
  SetClock clock;
  Vending vending;
  auto store = TableFilesStore::Make("main.s.t", Credentials("K1", 0), vending.Open(),
                                     vending.Renew(), std::chrono::seconds(300), clock);
  ASSERT_TRUE(store.ok());
  clock.now_ms += 100 * kHour;
  EXPECT_TRUE((*store)->Current().ok());
  EXPECT_EQ(vending.renewals, 0);
}

TEST(TableFilesStoreTest, WithoutRenewalExpiredCredentialsFailTheRead) {
  SetClock clock;
  Vending vending;
  auto store = TableFilesStore::Make("main.s.t", Credentials("K1", clock.now_ms + 1000),
                                     vending.Open(), nullptr, std::chrono::seconds(300), clock);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->Current().ok());
  clock.now_ms += 1000;
  auto expired = (*store)->Current();
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().message(), "the read credentials for main.s.t have expired");
}

}  // namespace
}  // namespace mortar::databricks
