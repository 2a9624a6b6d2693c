#include "connectors/sqlite/scratch_database.h"

#include <random>

namespace mortar::sqlite {

ScratchDatabase::ScratchDatabase(const std::filesystem::path& folder, const std::string& prefix) {
  std::random_device random;
  path_ = folder /
          (prefix + "-" + std::to_string(random()) + "-" + std::to_string(random()) + ".sqlite");
  connection_ = std::make_unique<SqliteConnection>(
      config::ConnectionConfig{"scratch", "sqlite", "", {}, {}, ""}, path_);
}

ScratchDatabase::~ScratchDatabase() {
  connection_.reset();  // closes the file first
  std::error_code error;
  std::filesystem::remove(path_, error);
  std::filesystem::remove(path_.string() + "-journal", error);
}

}  // namespace mortar::sqlite
