#include "mortar/http/transport_pool.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace mortar::http {
namespace {

class CountingTransport : public Transport {
 public:
  Result<Response> Send(const Request&) override { return Response{}; }
};

TEST(TransportPoolTest, ATransportIsReusedOnceItsLeaseEnds) {
  int made = 0;
  auto pool = TransportPool::Make([&made]() -> Result<std::unique_ptr<Transport>> {
    ++made;
    return std::unique_ptr<Transport>(std::make_unique<CountingTransport>());
  });
  Transport* first = nullptr;
  {
    auto lease = pool->Acquire();
    ASSERT_TRUE(lease.ok());
    first = &**lease;
    auto second = pool->Acquire();  // the first is out: a new one
    ASSERT_TRUE(second.ok());
    EXPECT_NE(&**second, first);
  }
  EXPECT_EQ(made, 2);
  EXPECT_EQ(pool->idle(), 2u);
  auto again = pool->Acquire();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(made, 2);
}

TEST(TransportPoolTest, KeepsNoMoreThanItsIdleLimit) {
  auto pool = TransportPool::Make(
      []() -> Result<std::unique_ptr<Transport>> {
        return std::unique_ptr<Transport>(std::make_unique<CountingTransport>());
      },
      1);
  {
    auto a = pool->Acquire();
    auto b = pool->Acquire();
    ASSERT_TRUE(a.ok() && b.ok());
  }
  EXPECT_EQ(pool->idle(), 1u);
}

// A direct read calls from 16 threads: a pool keeping fewer would drop the connections
// returned beyond its limit and connect again at the next burst of reads.
TEST(TransportPoolTest, KeepsWhatSixteenThreadsUseAtOnce) {
  int made = 0;
  auto pool = TransportPool::Make([&made]() -> Result<std::unique_ptr<Transport>> {
    ++made;
    return std::unique_ptr<Transport>(std::make_unique<CountingTransport>());
  });
  for (int burst = 0; burst < 3; ++burst) {
    std::vector<TransportPool::Lease> leases;
    for (int i = 0; i < 16; ++i) {
      auto lease = pool->Acquire();
      ASSERT_TRUE(lease.ok());
      leases.push_back(std::move(*lease));
    }
  }
  EXPECT_EQ(made, 16);
  EXPECT_EQ(pool->idle(), 16u);
}

TEST(TransportPoolTest, AFactoryErrorIsTheCallers) {
  auto pool = TransportPool::Make(
      []() -> Result<std::unique_ptr<Transport>> { return Status::Invalid("no CA file"); });
  auto lease = pool->Acquire();
  ASSERT_FALSE(lease.ok());
  EXPECT_EQ(lease.status().message(), "no CA file");
}

TEST(TransportPoolTest, ThreadsEachHoldTheirOwnTransport) {
  auto pool = TransportPool::Make([]() -> Result<std::unique_ptr<Transport>> {
    return std::unique_ptr<Transport>(std::make_unique<CountingTransport>());
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([pool] {
      for (int i = 0; i < 200; ++i) {
        auto lease = pool->Acquire();
        ASSERT_TRUE(lease.ok());
        ASSERT_TRUE((**lease).Send(Request{}).ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(pool->idle(), 4u);
  EXPECT_GE(pool->idle(), 1u);
}

}  // namespace
}  // namespace mortar::http
