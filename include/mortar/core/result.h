// Result<T>: a value or the Status that explains why there is none.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "mortar/core/status.h"

namespace mortar {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : storage_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(storage_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(storage_); }
  Status status() const& { return ok() ? Status::OK() : std::get<Status>(storage_); }
  Status status() && { return ok() ? Status::OK() : std::get<Status>(std::move(storage_)); }

  const T& ValueUnsafe() const& { return std::get<T>(storage_); }
  T& ValueUnsafe() & { return std::get<T>(storage_); }
  T ValueUnsafe() && { return std::get<T>(std::move(storage_)); }

  const T& operator*() const& { return ValueUnsafe(); }
  T& operator*() & { return ValueUnsafe(); }
  const T* operator->() const { return &ValueUnsafe(); }
  T* operator->() { return &ValueUnsafe(); }

  T ValueOr(T fallback) && { return ok() ? std::get<T>(std::move(storage_)) : std::move(fallback); }

 private:
  std::variant<Status, T> storage_;
};

}  // namespace mortar
