#include "mortar/server/ticket_store.h"

#include <gtest/gtest.h>

namespace mortar::server {
namespace {

TEST(TicketStoreTest, FindsTheScopeOfALiveTicket) {
  TicketStore store;
  TicketScope scope{.user = "ana", .project = "p", .readable = {"in"}, .writable = {"out"}};
  std::string ticket = store.Mint(scope);
  EXPECT_EQ(ticket.rfind("mt_", 0), 0u);
  auto found = store.Find(ticket);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user, "ana");
  EXPECT_TRUE(found->MayRead("in"));
  EXPECT_TRUE(found->MayRead("out"));
  EXPECT_FALSE(found->MayWrite("in"));
  EXPECT_TRUE(found->MayWrite("out"));
  EXPECT_FALSE(found->MayRead("other"));
}

TEST(TicketStoreTest, TicketsAreUniqueAndUnguessable) {
  TicketStore store;
  std::string a = store.Mint({});
  std::string b = store.Mint({});
  EXPECT_NE(a, b);
  EXPECT_GE(a.size(), 40u);
  EXPECT_FALSE(store.Find(a + "x"));
  EXPECT_FALSE(store.Find(""));
}

TEST(TicketStoreTest, ExpiredAndRevokedTicketsAreRefused) {
  auto now = std::chrono::steady_clock::now();
  TicketStore store([&now] { return now; });
  std::string ticket = store.Mint({.user = "ana"}, std::chrono::seconds(60));
  std::string other = store.Mint({.user = "bo"}, std::chrono::seconds(600));
  now += std::chrono::seconds(59);
  EXPECT_TRUE(store.Find(ticket));
  now += std::chrono::seconds(1);
  EXPECT_FALSE(store.Find(ticket));
  EXPECT_TRUE(store.Find(other));
  store.Revoke(other);
  EXPECT_FALSE(store.Find(other));
}

TEST(TicketStoreTest, NotebookScopeReachesEveryDataset) {
  TicketScope scope{.user = "ana", .any_dataset = true};
  EXPECT_TRUE(scope.MayRead("x"));
  EXPECT_TRUE(scope.MayWrite("y"));
  EXPECT_TRUE(scope.MayUseConnection("z"));
  TicketScope recipe{.user = "ana", .connections = {"sqlite_default"}};
  EXPECT_TRUE(recipe.MayUseConnection("sqlite_default"));
  EXPECT_FALSE(recipe.MayUseConnection("dbx"));
}

}  // namespace
}  // namespace mortar::server
