// A Delta table's latest snapshot, read from its transaction log (`_delta_log/`): the
// data files that make up the table now and its schema, as the Delta protocol defines
// them (the last complete checkpoint, classic in one file or in parts, or a v2
// checkpoint with its sidecar files, then every commit after it, in order). Mortar reads the data
// files itself only when the table uses nothing it cannot read; otherwise the snapshot says why
// (`unreadable`), so that the caller reads through the warehouse instead. Internal to the
// connector.
#pragma once

#include <arrow/io/interfaces.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/databricks/column_mapping.h"
#include "connectors/databricks/deletion_vector.h"
#include "mortar/core/result.h"

namespace mortar::databricks {

struct DeltaDataFile {
  std::string path;  // relative to the table's root (see ReadDeltaSnapshot), percent-decoded
  int64_t size = 0;
  // The file's value of each partition column, as Delta writes it in the log (text),
  // by the column's physical name; nullopt for null. The column is not in the file itself.
  std::map<std::string, std::optional<std::string>> partition_values;
  // The rows later commits deleted without rewriting the file, if any.
  std::optional<DeletionVectorDescriptor> deletion_vector;
};

// The largest deletion vector read: 64 MiB hold a vector over half a billion rows, more
// than a data file has.
constexpr int64_t kMaxDeletionVectorBytes = 64LL << 20;
// The furthest into its file a deletion vector may start (a petabyte): far past any
// vector file, and far enough from the largest offset that its end does not overflow.
constexpr int64_t kMaxDeletionVectorOffset = 1LL << 50;

struct DeltaSnapshot {
  int64_t version = -1;
  std::string schema_string;                   // the table's schema as Delta writes it (JSON)
  std::vector<std::string> partition_columns;  // logical names
  std::vector<DeltaDataFile> files;            // in path order
  // How data files and partition values name the columns (the mode the table's
  // protocol honours).
  ColumnMappingMode column_mapping = ColumnMappingMode::kNone;
  // Non-empty when the table uses something Mortar does not read (a reader feature,
  // a mapping mode other than name or id, deletion vectors stored elsewhere, files
  // outside the table): why.
  std::string unreadable;
};

// Where the log is read from: the files of `_delta_log/`.
class DeltaLogFiles {
 public:
  virtual ~DeltaLogFiles() = default;
  // The names of the log's files (no folder), in any order; with `start_after`, at least
  // those that sort after it (a listing that starts there).
  virtual Result<std::vector<std::string>> List(const std::string& start_after) = 0;
  // The text of `_delta_log/_last_checkpoint`, which names the latest checkpoint (a hint:
  // the log is listed from there); nullopt when there is none or it cannot be read.
  virtual std::optional<std::string> LastCheckpoint() = 0;
  // One file of the log, whole (commits are metadata, not table data), by its name or,
  // for a v2 checkpoint's sidecar file, as "_sidecars/<name>".
  virtual Result<std::string> Read(const std::string& name) = 0;
  // The files the snapshot will Read next, in that order (the commits after the
  // checkpoint): a store far away may start reading them, several at once. By default
  // nothing.
  virtual void WillRead(const std::vector<std::string>& names) { (void)names; }
  // A checkpoint or sidecar file (Parquet), to read the parts of it a snapshot needs;
  // by default the file Read gives, whole.
  virtual Result<std::shared_ptr<arrow::io::RandomAccessFile>> Open(const std::string& name);
};

// The latest snapshot; an error when the log cannot be read or is not a Delta log.
// `table_location` is the table's root as a URI (s3://bucket/path, abfss://...): data files
// and deletion vectors the log names by an absolute URI inside it are read as the files
// of the table they are (s3a:// and s3n:// taken for s3://, abfs:// for abfss://); those
// elsewhere, or any when it is empty, make the snapshot unreadable.
Result<DeltaSnapshot> ReadDeltaSnapshot(DeltaLogFiles& log, std::string_view table_location = {});

}  // namespace mortar::databricks
