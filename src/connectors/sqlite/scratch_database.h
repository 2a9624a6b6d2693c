// A scratch SQLite database: a file of its own under a folder, removed (with any
// journal) when the object goes. Local engines stream rows into it and let SQLite
// sort, join and aggregate on disk with a capped page cache. Not thread-safe.
#pragma once

#include <filesystem>
#include <memory>

#include "connectors/sqlite/sqlite_connection.h"

namespace mortar::sqlite {

class ScratchDatabase {
 public:
  // `prefix` names the file (<prefix>-<random>.sqlite); nothing is created until used.
  ScratchDatabase(const std::filesystem::path& folder, const std::string& prefix);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  SqliteConnection& connection() { return *connection_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::unique_ptr<SqliteConnection> connection_;
};

}  // namespace mortar::sqlite
