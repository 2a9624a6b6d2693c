#include "mortar/server/ticket_store.h"

#include <openssl/sha.h>

#include "mortar/auth/oauth_client.h"

namespace mortar::server {

namespace {

// Tickets are kept by digest, so that a memory dump or a map lookup's timing tells
// nothing about a live ticket.
std::string Digest(const std::string& ticket) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(ticket.data()), ticket.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}  // namespace

bool TicketScope::MayRead(const std::string& dataset) const {
  return any_dataset || readable.count(dataset) > 0 || writable.count(dataset) > 0;
}

bool TicketScope::MayWrite(const std::string& dataset) const {
  return any_dataset || writable.count(dataset) > 0;
}

bool TicketScope::MayUseConnection(const std::string& connection) const {
  return any_dataset || connections.count(connection) > 0;
}

std::string TicketStore::Mint(TicketScope scope, std::chrono::seconds lifetime) {
  std::string ticket = "mt_" + auth::RandomUrlSafe();
  std::lock_guard<std::mutex> lock(mutex_);
  auto now = clock_();
  std::erase_if(tickets_, [now](const auto& entry) { return entry.second.expires <= now; });
  tickets_[Digest(ticket)] = {std::move(scope), now + lifetime};
  return ticket;
}

std::optional<TicketScope> TicketStore::Find(const std::string& ticket) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = tickets_.find(Digest(ticket));
  if (it == tickets_.end()) return std::nullopt;
  if (it->second.expires <= clock_()) {
    tickets_.erase(it);
    return std::nullopt;
  }
  return it->second.scope;
}

void TicketStore::Revoke(const std::string& ticket) {
  std::lock_guard<std::mutex> lock(mutex_);
  tickets_.erase(Digest(ticket));
}

}  // namespace mortar::server
