#include "mortar/auth/token_source_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace mortar::auth {
namespace {

using std::chrono::minutes;

// A cache whose clock the test moves.
struct CacheWithClock {
  explicit CacheWithClock(std::size_t max_sources)
      : cache(max_sources, minutes(60), [this] { return now; }) {}
  std::chrono::steady_clock::time_point now{};
  TokenSourceCache cache;
};

std::shared_ptr<TokenSource> Get(TokenSourceCache& cache, const std::string& key, int* made) {
  return cache.GetOrMake(key, [&] {
    ++*made;
    return std::shared_ptr<TokenSource>(MakeStaticTokenSource("token-" + key, key));
  });
}

TEST(TokenSourceCacheTest, SharesOneSourcePerKey) {
  TokenSourceCache cache;
  int made = 0;
  auto first = Get(cache, "a", &made);
  EXPECT_EQ(Get(cache, "a", &made), first);
  EXPECT_NE(Get(cache, "b", &made), first);
  EXPECT_EQ(made, 2);
}

TEST(TokenSourceCacheTest, DropsTheLeastRecentlyUsedWhenFull) {
  CacheWithClock clocked(2);
  int made = 0;
  auto a = Get(clocked.cache, "a", &made);
  clocked.now += minutes(1);
  Get(clocked.cache, "b", &made);
  clocked.now += minutes(1);
  EXPECT_EQ(Get(clocked.cache, "a", &made), a);  // a is now the more recent
  clocked.now += minutes(1);
  Get(clocked.cache, "c", &made);  // full: b goes
  EXPECT_EQ(clocked.cache.size(), 2u);
  EXPECT_EQ(made, 3);
  EXPECT_EQ(Get(clocked.cache, "a", &made), a);
  EXPECT_EQ(made, 3);
  Get(clocked.cache, "b", &made);  // made again
  EXPECT_EQ(made, 4);
}

TEST(TokenSourceCacheTest, DropsSourcesIdleForAnHour) {
  CacheWithClock clocked(100);
  int made = 0;
  auto a = Get(clocked.cache, "a", &made);
  for (int i = 0; i < 10; ++i) Get(clocked.cache, "old-" + std::to_string(i), &made);
  clocked.now += minutes(61);
  EXPECT_NE(Get(clocked.cache, "a", &made), a);  // idle past the limit: made anew
  EXPECT_EQ(clocked.cache.size(), 1u);           // and the other idle ones dropped
  EXPECT_EQ(made, 12);
  // A source a connection still holds keeps working after the cache dropped it.
  EXPECT_EQ(a->AuthorizationHeader().ValueOr(""), "Bearer token-a");
}

}  // namespace
}  // namespace mortar::auth
