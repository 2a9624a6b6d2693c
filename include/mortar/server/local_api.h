// The data API served on 127.0.0.1, on a port the system picks, for the Python process
// of a code recipe. It lives as long as this object; its tickets die with it.
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "mortar/config/home.h"
#include "mortar/server/ticket_store.h"

namespace mortar::server {

class LocalDataApi {
 public:
  using LogLine = std::function<void(const std::string&)>;
  // log: one line per request (method, path, status); never a ticket.
  static Result<std::unique_ptr<LocalDataApi>> Start(const config::Home& home, LogLine log);
  ~LocalDataApi();

  // http://127.0.0.1:<port>
  const std::string& url() const;
  std::string MintTicket(TicketScope scope);
  // Commits (or aborts) the writes a recipe's ticket held, and revokes the ticket.
  Status Finish(const std::string& ticket, bool succeeded);

 private:
  struct Impl;
  explicit LocalDataApi(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mortar::server
