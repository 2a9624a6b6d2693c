#include "connectors/sqlite/scratch_database.h"

#include <random>

namespace mortar::sqlite {

ScratchDatabase::ScratchDatabase(const std::filesystem::path& folder, const std::string& prefix) {
  std::random_device random;
  path_ = folder /
          (prefix + "-" + std::to_string(random()) + "-" + std::to_string(random()) + ".sqlite");
  connection_ = std::make_unique<SqliteConnection>(
      config::ConnectionConfig{"scratch", "sqlite", "", {}, {}, ""}, path_);
  // A scratch file is thrown away after its job: no syncs to disk, the rollback journal
  // in memory (a new table's pages are never journaled, so it stays small), and two
  // threads for SQLite's sorter (ORDER BY, windows, indexes for joins). Tuning only: a
  // scratch database works the same without it, so a failure here is not an error.
  (void)connection_->Execute(
      "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA threads=2;");
}

ScratchDatabase::~ScratchDatabase() {
  connection_.reset();  // closes the file first
  std::error_code error;
  std::filesystem::remove(path_, error);
  std::filesystem::remove(path_.string() + "-journal", error);
}

}  // namespace mortar::sqlite
