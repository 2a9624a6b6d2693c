// Tickets: short-lived secrets that let a Python process (a code recipe, a notebook)
// use the data API as one user, in one project, on the datasets it was given. Held in
// memory only, never written or logged. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace mortar::server {

struct TicketScope {
  std::string user;
  std::string project;
  // Notebooks: every dataset and connection of the project the user may use.
  bool any_dataset = false;
  std::set<std::string> readable;     // datasets (a recipe's inputs)
  std::set<std::string> writable;     // datasets (a recipe's outputs)
  std::set<std::string> connections;  // for SQL and client credentials
  // Recipes: writes are held until the recipe succeeds, then committed together.
  bool defer_commit = false;
  // The API key a notebook's ticket was minted with: the ticket ends with the key.
  std::string api_key_id;

  bool MayRead(const std::string& dataset) const;
  bool MayWrite(const std::string& dataset) const;
  bool MayUseConnection(const std::string& connection) const;
};

class TicketStore {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  static constexpr std::chrono::seconds kDefaultLifetime = std::chrono::hours(1);

  explicit TicketStore(Clock clock = [] { return std::chrono::steady_clock::now(); })
      : clock_(std::move(clock)) {}

  // A new ticket ("mt_<random>") for the scope.
  std::string Mint(TicketScope scope, std::chrono::seconds lifetime = kDefaultLifetime);
  // The scope of a live ticket; nullopt for unknown, revoked or expired ones.
  std::optional<TicketScope> Find(const std::string& ticket);
  void Revoke(const std::string& ticket);

 private:
  struct Entry {
    TicketScope scope;
    std::chrono::steady_clock::time_point expires;
  };
  Clock clock_;
  std::mutex mutex_;
  std::map<std::string, Entry> tickets_;  // by SHA-256 of the ticket
};

}  // namespace mortar::server
