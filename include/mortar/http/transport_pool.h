// TransportPool: transports kept between requests, so a client called from several
// threads reuses open connections (and TLS sessions) instead of connecting for each
// request. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "mortar/http/transport.h"

namespace mortar::http {

class TransportPool : public std::enable_shared_from_this<TransportPool> {
 public:
  // Keeps up to `max_idle` transports between requests (more may be out at once): as
  // many as the threads calling at once, or a connection is made and dropped per request
  // (a direct read calls from 16 of Arrow's I/O threads).
  static std::shared_ptr<TransportPool> Make(TransportFactory factory, std::size_t max_idle = 16);

  // A transport for one thread, idle or new; it goes back when the lease ends.
  class Lease {
   public:
    Lease(std::shared_ptr<TransportPool> pool, std::unique_ptr<Transport> transport)
        : pool_(std::move(pool)), transport_(std::move(transport)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Transport& operator*() const { return *transport_; }

   private:
    std::shared_ptr<TransportPool> pool_;
    std::unique_ptr<Transport> transport_;
  };
  Result<Lease> Acquire();

  std::size_t idle() const;

 private:
  TransportPool(TransportFactory factory, std::size_t max_idle)
      : factory_(std::move(factory)), max_idle_(max_idle) {}
  void Return(std::unique_ptr<Transport> transport);

  const TransportFactory factory_;
  const std::size_t max_idle_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Transport>> idle_;
};

}  // namespace mortar::http
