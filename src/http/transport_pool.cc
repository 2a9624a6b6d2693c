#include "mortar/http/transport_pool.h"

#include <utility>

namespace mortar::http {

std::shared_ptr<TransportPool> TransportPool::Make(TransportFactory factory, std::size_t max_idle) {
  return std::shared_ptr<TransportPool>(new TransportPool(std::move(factory), max_idle));
}

TransportPool::Lease::~Lease() {
  if (pool_ && transport_) pool_->Return(std::move(transport_));
}

Result<TransportPool::Lease> TransportPool::Acquire() {
  {
    std::lock_guard guard(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Transport> transport = std::move(idle_.back());
      idle_.pop_back();
      return Lease(shared_from_this(), std::move(transport));
    }
  }
  MORTAR_ASSIGN_OR_RETURN(std::unique_ptr<Transport> made, factory_());
  return Lease(shared_from_this(), std::move(made));
}

void TransportPool::Return(std::unique_ptr<Transport> transport) {
  std::lock_guard guard(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(transport));
}

std::size_t TransportPool::idle() const {
  std::lock_guard guard(mutex_);
  return idle_.size();
}

}  // namespace mortar::http
