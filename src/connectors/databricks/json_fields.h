// Fields of a JSON reply read leniently: a missing field, or one of another type, gives
// the fallback, so that a reply's shape is checked where its values are used.
// Internal to the connector.
#pragma once

#include <cstdint>
#include <string>

#include "mortar/config/document.h"

namespace mortar::databricks {

// The member, or null when there is none (operator[] on a const object without the key
// is undefined behaviour).
inline const config::Json& Member(const config::Json& object, const char* key) {
  static const config::Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it != object.end() ? *it : kNull;
}

inline std::string TextField(const config::Json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

inline int64_t IntegerField(const config::Json& object, const char* key, int64_t otherwise = 0) {
  if (!object.is_object()) return otherwise;
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : otherwise;
}

}  // namespace mortar::databricks
