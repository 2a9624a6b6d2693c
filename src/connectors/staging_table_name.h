// Names of the staging tables writes fill before they replace their target:
// "__mortar_tmp_<table, at most 64 characters>_<16 hex of SHA-256 of the target's full
// name>_<Unix seconds>_<8 hex of the host>_<process id>_<16 random hex>".
//
// The digest ties a staging table to exactly one target (a name-prefix match would
// also take the staging tables of "<table>_<suffix>"); the host and process tell a
// leftover of a write whose process has ended from the live staging table of a
// concurrent write, on this machine; from elsewhere, only age does; 64 random bits keep
// two writes apart.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mortar/sql/dialect.h"

namespace mortar {

inline constexpr std::string_view kStagingTablePrefix = "__mortar_tmp_";
// A staging table older than this is a leftover wherever it was made: no write takes
// so long.
inline constexpr std::chrono::hours kStagingLeftoverAge{24};

std::string StagingTableName(const sql::TableName& target);
// What every staging table of `target` starts with (a LIKE prefix; no wildcards in it).
std::string StagingTablePrefix(const sql::TableName& target);

struct StagingTableOrigin {
  int64_t created_at = 0;  // Unix seconds
  std::string host;        // 8 hex
  int64_t pid = 0;
};
std::optional<StagingTableOrigin> ParseStagingTableName(std::string_view name);
// Whether a staging table of `target` is a leftover that a new write may drop: its
// process on this host has ended, or it is older than kStagingLeftoverAge.
bool IsLeftoverStagingTable(const sql::TableName& target, std::string_view name);

}  // namespace mortar
