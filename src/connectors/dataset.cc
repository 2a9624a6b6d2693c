#include "mortar/connectors/dataset.h"

namespace mortar {

Result<Schema> Dataset::schema() {
  if (config_.schema && !config_.schema->empty()) return *config_.schema;
  return DetectSchema();
}

}  // namespace mortar
