#include "connectors/staging_table_name.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <random>

#include "mortar/core/ascii_case.h"
#include "mortar/core/digest.h"

namespace mortar {

namespace {

std::string ThisHost() {
  char name[256] = {};
  ::gethostname(name, sizeof(name) - 1);
  return Sha256Hex(name).substr(0, 8);
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool ProcessAlive(int64_t pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// The digits of name[start, end), or nullopt.
std::optional<int64_t> Number(std::string_view name, std::size_t start, std::size_t end) {
  if (start >= end || end - start > 12) return std::nullopt;
  int64_t value = 0;
  for (std::size_t i = start; i < end; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    value = value * 10 + (name[i] - '0');
  }
  return value;
}

}  // namespace

// Spark and Unity Catalog keep names in lower case: a staging table made for `MyTable`
// is listed as `__mortar_tmp_mytable_...`, so names are made and compared that way.
std::string StagingTablePrefix(const sql::TableName& target) {
  std::string full = AsciiLower(target.catalog + "." + target.schema + "." + target.table);
  return std::string(kStagingTablePrefix) + AsciiLower(target.table.substr(0, 64)) + "_" +
         Sha256Hex(full).substr(0, 16) + "_";
}

std::string StagingTableName(const sql::TableName& target) {
  std::random_device random;
  uint64_t bits = (static_cast<uint64_t>(random()) << 32) | random();
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(bits));
  return StagingTablePrefix(target) + std::to_string(UnixNow()) + "_" + ThisHost() + "_" +
         std::to_string(::getpid()) + "_" + hex;
}

std::optional<StagingTableOrigin> ParseStagingTableName(std::string_view name) {
  // Read from the end: the table part may hold '_'.
  if (name.rfind(kStagingTablePrefix, 0) != 0) return std::nullopt;
  std::size_t cut[4];  // the '_' before the random part, the pid, the host, the seconds
  std::size_t at = name.size();
  for (std::size_t& position : cut) {
    if (at == 0) return std::nullopt;
    position = name.rfind('_', at - 1);
    if (position == std::string_view::npos || position < kStagingTablePrefix.size())
      return std::nullopt;
    at = position;
  }
  if (name.size() - cut[0] - 1 != 16 || cut[1] - cut[2] - 1 != 8) return std::nullopt;
  auto pid = Number(name, cut[1] + 1, cut[0]);
  auto seconds = Number(name, cut[3] + 1, cut[2]);
  if (!pid || !seconds) return std::nullopt;
  return StagingTableOrigin{*seconds, std::string(name.substr(cut[2] + 1, 8)), *pid};
}

bool IsLeftoverStagingTable(const sql::TableName& target, std::string_view listed) {
  std::string name = AsciiLower(listed);
  if (name.rfind(StagingTablePrefix(target), 0) != 0) return false;
  auto origin = ParseStagingTableName(name);
  if (!origin) return false;
  if (UnixNow() - origin->created_at > std::chrono::seconds(kStagingLeftoverAge).count())
    return true;
  return origin->host == ThisHost() && !ProcessAlive(origin->pid);
}

}  // namespace mortar
