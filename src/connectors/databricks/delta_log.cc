#include "connectors/databricks/delta_log.h"

#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <parquet/arrow/reader.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <regex>
#include <set>
#include <string_view>
#include <utility>

#include "connectors/databricks/json_fields.h"
#include "connectors/vended_store.h"
#include "mortar/config/document.h"
#include "mortar/http/url.h"

namespace mortar::databricks {

namespace {

using config::Json;

// Reader features whose tables Mortar reads: timestampNtz (a type), vacuumProtocolCheck
// (about VACUUM), deletionVectors (stored in the table's vector files or inline),
// columnMapping (by name or by id), v2Checkpoint (checkpoints with sidecar files), and
// typeWidening (older files hold narrower types, which the reader widens to the
// table's, as it converts every file's columns to the dataset's types).
const std::set<std::string>& ReadableFeatures() {
  static const std::set<std::string> features = {
      "timestampNtz", "vacuumProtocolCheck", "deletionVectors",     "columnMapping",
      "v2Checkpoint", "typeWidening",        "typeWidening-preview"};
  return features;
}

// A live file is its path and its deletion vector: a commit that deletes rows through a
// deletion vector adds the file again with the vector and removes it as it was.
struct LogState {
  std::string table_location;  // the table's root as a URI; "" when not known
  Json protocol;
  Json metadata;
  std::map<std::pair<std::string, std::string>, DeltaDataFile> files;  // (path, vector id)
  // A v2 checkpoint's sidecar files (in _delta_log/_sidecars/), named as its actions name
  // them, not read yet.
  std::vector<std::string> sidecars;
};

// The deletion vector's unique id as the protocol defines it, or "" when there is none.
std::string DeletionVectorId(const Json& action) {
  auto vector = action.find("deletionVector");
  if (vector == action.end() || !vector->is_object()) return "";
  std::string id = TextField(*vector, "storageType") + TextField(*vector, "pathOrInlineDv");
  if (auto offset = vector->find("offset");
      offset != vector->end() && offset->is_number_integer()) {
    id += "@" + std::to_string(offset->get<int64_t>());
  }
  return id.empty() ? "?" : id;
}

// The storage that a URI's scheme names: Hadoop's s3a:// and s3n:// reach the buckets of
// s3://, and abfs:// the same containers as abfss:// (without TLS).
std::string_view SchemeFamily(std::string_view scheme) {
  if (scheme == "s3a" || scheme == "s3n") return "s3";
  if (scheme == "abfs") return "abfss";
  return scheme;
}

// A path of the log (percent-decoded) as the table's files are named: relative to the
// table's root. Delta writes paths relative, but a writer may name a file by its
// absolute URI; one inside the table's location is that file. Any other path (and one
// ending in '/', no file) is kept as it is, for Unreadable to refuse.
std::string InTable(const LogState& state, std::string path) {
  auto root = SplitStorageUrl(state.table_location);
  auto file = SplitStorageUrl(path);
  if (!root.ok() || !file.ok() || path.ends_with('/') ||
      SchemeFamily(file->scheme) != SchemeFamily(root->scheme) || file->root != root->root ||
      file->prefix.size() <= root->prefix.size() || !file->prefix.starts_with(root->prefix))
    return path;
  // The file's key under the table's, without the '/' SplitStorageUrl ends a prefix with.
  return file->prefix.substr(root->prefix.size(), file->prefix.size() - root->prefix.size() - 1);
}

void AddFile(LogState& state, const Json& add) {
  const Json& path = Member(add, "path");
  if (!path.is_string()) return;
  std::string decoded = InTable(state, http::UrlDecode(path.get<std::string>()));
  auto size = add.find("size");
  DeltaDataFile file{
      decoded, size != add.end() && size->is_number_integer() ? size->get<int64_t>() : 0, {}};
  if (auto values = add.find("partitionValues"); values != add.end() && values->is_object()) {
    for (const auto& [column, value] : values->items()) {
      // Null, or an empty string: null for any type, as the protocol says.
      file.partition_values[column] = value.is_string() && !value.get<std::string>().empty()
                                          ? std::optional<std::string>(value.get<std::string>())
                                          : std::nullopt;
    }
  }
  if (auto vector = add.find("deletionVector"); vector != add.end() && vector->is_object()) {
    DeletionVectorDescriptor descriptor;
    std::string type = TextField(*vector, "storageType");
    descriptor.storage_type = type.size() == 1 ? type[0] : '?';
    descriptor.path_or_inline = TextField(*vector, "pathOrInlineDv");
    if (descriptor.storage_type == 'p') {
      descriptor.path_in_table = InTable(state, http::UrlDecode(descriptor.path_or_inline));
    }
    if (Member(*vector, "offset").is_number_integer()) {
      descriptor.offset = IntegerField(*vector, "offset");
    }
    descriptor.size_in_bytes = IntegerField(*vector, "sizeInBytes", -1);
    descriptor.cardinality = IntegerField(*vector, "cardinality", -1);
    file.deletion_vector = std::move(descriptor);
  }
  state.files[{decoded, DeletionVectorId(add)}] = std::move(file);
}

void RemoveFile(LogState& state, const Json& remove) {
  const Json& path = Member(remove, "path");
  if (path.is_string()) {
    state.files.erase(
        {InTable(state, http::UrlDecode(path.get<std::string>())), DeletionVectorId(remove)});
  }
}

Status ApplyCommitLines(LogState& state, const std::string& name, const std::string& text);

Status ApplyCommit(LogState& state, const std::string& name, const std::string& text) {
  try {
    return ApplyCommitLines(state, name, text);
  } catch (const Json::exception& error) {
    return Status::Invalid("Delta log file " + name + ": an action of unexpected shape (" +
                           error.what() + ")");
  }
}

Status ApplyCommitLines(LogState& state, const std::string& name, const std::string& text) {
  std::size_t start = 0;
  int line_number = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    Json action = Json::parse(line, nullptr, false);
    if (action.is_discarded() || !action.is_object()) {
      return Status::Invalid("Delta log file " + name + ", line " + std::to_string(line_number) +
                             ": not a JSON action");
    }
    if (action.contains("protocol")) state.protocol = action["protocol"];
    if (action.contains("metaData")) state.metadata = action["metaData"];
    if (auto add = action.find("add"); add != action.end() && add->is_object()) {
      if (!Member(*add, "path").is_string()) {
        return Status::Invalid("Delta log file " + name + ": an add without a path");
      }
      if (auto size = add->find("size"); size != add->end() && !size->is_number()) {
        return Status::Invalid("Delta log file " + name + ": an add whose size is no number");
      }
      AddFile(state, *add);
    }
    if (auto remove = action.find("remove"); remove != action.end() && remove->is_object()) {
      RemoveFile(state, *remove);
    }
    if (auto sidecar = action.find("sidecar"); sidecar != action.end()) {
      state.sidecars.push_back(TextField(*sidecar, "path"));
    }
  }
  return Status::OK();
}

// A JSON value of a checkpoint's struct field, as the commit files write it.
Json StructToJson(const arrow::StructArray& array, int64_t row);

Json ValueToJson(const arrow::Array& array, int64_t row) {
  if (array.IsNull(row)) return nullptr;
  switch (array.type_id()) {
    case arrow::Type::STRING:
      return std::string(static_cast<const arrow::StringArray&>(array).GetView(row));
    case arrow::Type::LARGE_STRING:
      return std::string(static_cast<const arrow::LargeStringArray&>(array).GetView(row));
    case arrow::Type::INT32:
      return static_cast<const arrow::Int32Array&>(array).Value(row);
    case arrow::Type::INT64:
      return static_cast<const arrow::Int64Array&>(array).Value(row);
    case arrow::Type::BOOL:
      return static_cast<const arrow::BooleanArray&>(array).Value(row);
    case arrow::Type::STRUCT:
      return StructToJson(static_cast<const arrow::StructArray&>(array), row);
    case arrow::Type::LIST: {
      const auto& list = static_cast<const arrow::ListArray&>(array);
      Json out = Json::array();
      for (int64_t i = list.value_offset(row); i < list.value_offset(row + 1); ++i)
        out.push_back(ValueToJson(*list.values(), i));
      return out;
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapArray&>(array);
      Json out = Json::object();
      for (int64_t i = map.value_offset(row); i < map.value_offset(row + 1); ++i) {
        Json key = ValueToJson(*map.keys(), i);
        if (key.is_string()) out[key.get<std::string>()] = ValueToJson(*map.items(), i);
      }
      return out;
    }
    default:
      return nullptr;  // not needed to know the snapshot
  }
}

Json StructToJson(const arrow::StructArray& array, int64_t row) {
  Json out = Json::object();
  const auto& type = static_cast<const arrow::StructType&>(*array.type());
  for (int i = 0; i < type.num_fields(); ++i) {
    out[type.field(i)->name()] = ValueToJson(*array.field(i), row);
  }
  return out;
}

// The checkpoint's columns the snapshot needs, by leaf index: the protocol, the metadata
// and sidecars whole, and of each add its path, size, partition values and deletion
// vector. The rest (each file's statistics above all, most of a checkpoint's bytes,
// removes, transactions) is neither fetched nor decoded.
std::vector<int> NeededLeaves(const parquet::SchemaDescriptor& schema, bool sidecar) {
  static const std::set<std::string> kWhole = {"protocol", "metaData", "sidecar"};
  static const std::set<std::string> kOfAdd = {"path", "size", "partitionValues", "deletionVector"};
  std::vector<int> leaves;
  for (int i = 0; i < schema.num_columns(); ++i) {
    std::vector<std::string> path = schema.Column(i)->path()->ToDotVector();
    if (path.empty()) continue;
    if ((!sidecar && kWhole.contains(path[0])) ||
        (path[0] == "add" && path.size() > 1 && kOfAdd.contains(path[1]))) {
      leaves.push_back(i);
    }
  }
  return leaves;
}

// A checkpoint in Parquet (classic, or a v2 checkpoint's), or one of a v2 checkpoint's
// sidecar files, which hold only files (`sidecar`): the columns the snapshot needs, a
// batch at a time (a large table's checkpoint is hundreds of megabytes, mostly
// statistics).
Status ApplyCheckpoint(LogState& state, const std::string& name,
                       std::shared_ptr<arrow::io::RandomAccessFile> file, bool sidecar = false) {
  auto failed = [&](const arrow::Status& status) {
    return Status::Invalid("Delta checkpoint " + name + ": " + status.message());
  };
  parquet::ArrowReaderProperties properties;
  properties.set_pre_buffer(true);  // the chosen columns' chunks in few ranged reads
  parquet::arrow::FileReaderBuilder builder;
  if (auto opened = builder.Open(std::move(file)); !opened.ok()) return failed(opened);
  auto reader = builder.properties(properties)->Build();
  if (!reader.ok()) return failed(reader.status());
  std::vector<int> leaves =
      NeededLeaves(*(*reader)->parquet_reader()->metadata()->schema(), sidecar);
  std::vector<int> row_groups((*reader)->num_row_groups());
  std::iota(row_groups.begin(), row_groups.end(), 0);
  auto batches = (*reader)->GetRecordBatchReader(row_groups, leaves);
  if (!batches.ok()) return failed(batches.status());
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    if (auto read = (*batches)->ReadNext(&batch); !read.ok()) return failed(read);
    if (batch == nullptr) break;
    for (int c = 0; c < batch->num_columns(); ++c) {
      const std::string& action = batch->schema()->field(c)->name();
      const arrow::Array& column = *batch->column(c);
      if (column.type_id() != arrow::Type::STRUCT) continue;
      const auto& values = static_cast<const arrow::StructArray&>(column);
      for (int64_t row = 0; row < batch->num_rows(); ++row) {
        if (values.IsNull(row)) continue;
        if (action == "protocol" && !sidecar) {
          state.protocol = StructToJson(values, row);
        } else if (action == "metaData" && !sidecar) {
          state.metadata = StructToJson(values, row);
        } else if (action == "sidecar" && !sidecar) {
          state.sidecars.push_back(TextField(StructToJson(values, row), "path"));
        } else if (action == "add") {
          try {
            AddFile(state, StructToJson(values, row));
          } catch (const Json::exception& error) {
            return Status::Invalid("Delta checkpoint " + name + ": an add of unexpected shape (" +
                                   error.what() + ")");
          }
        }
      }
    }
  }
  return Status::OK();
}

// The files a v2 checkpoint keeps in its sidecars, each read from _delta_log/_sidecars/.
Status ApplySidecars(LogState& state, DeltaLogFiles& log) {
  std::vector<std::string> sidecars = std::move(state.sidecars);
  state.sidecars.clear();
  for (const auto& path : sidecars) {
    // A name, or a URI ending in _delta_log/_sidecars/<name>: sidecars live nowhere else.
    std::string name = http::UrlDecode(path.substr(path.rfind('/') + 1));
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        (path.find('/') != std::string::npos &&
         path.find("_delta_log/_sidecars/") == std::string::npos))
      return Status::Invalid(
          "a Delta checkpoint names a sidecar file outside _delta_log/_sidecars/ (" + path + ")");
    MORTAR_ASSIGN_OR_RETURN(auto file, log.Open("_sidecars/" + name));
    MORTAR_RETURN_IF_ERROR(ApplyCheckpoint(state, "_sidecars/" + name, std::move(file), true));
  }
  return Status::OK();
}

// The table's column mapping mode, where its protocol supports column mapping (reader
// version 2, or 3 with the feature); "none" otherwise.
std::string MappingModeName(const LogState& state) {
  int64_t reader_version = IntegerField(state.protocol, "minReaderVersion");
  bool supported = reader_version == 2;
  if (reader_version == 3 && Member(state.protocol, "readerFeatures").is_array()) {
    for (const auto& feature : Member(state.protocol, "readerFeatures")) {
      supported = supported || feature == "columnMapping";
    }
  }
  std::string mode = TextField(Member(state.metadata, "configuration"), "delta.columnMapping.mode");
  return supported && !mode.empty() ? mode : "none";
}

// Why Mortar cannot read the table's files as Parquet, or "".
std::string Unreadable(const LogState& state, const std::string& mapping_mode) {
  const Json& protocol = state.protocol;
  if (!Member(protocol, "minReaderVersion").is_number_integer()) {
    return "its log has no protocol action";
  }
  int64_t reader_version = Member(protocol, "minReaderVersion").get<int64_t>();
  if (reader_version > 3) {
    return "its protocol needs reader version " + std::to_string(reader_version);
  }
  if (reader_version == 3 && protocol.contains("readerFeatures") &&
      Member(protocol, "readerFeatures").is_array()) {
    for (const auto& feature : Member(protocol, "readerFeatures")) {
      std::string name = feature.is_string() ? feature.get<std::string>() : "?";
      if (!ReadableFeatures().contains(name)) return "it uses the reader feature " + name;
    }
  }
  const Json& metadata = state.metadata;
  if (mapping_mode != "none" && mapping_mode != "name" && mapping_mode != "id")
    return "its columns are mapped in a mode Mortar does not read (delta.columnMapping.mode " +
           mapping_mode + ")";
  if (auto format = metadata.find("format"); format != metadata.end() && format->is_object()) {
    auto provider = format->find("provider");
    if (provider != format->end() && *provider != "parquet") return "its files are not Parquet";
  }
  for (const auto& [key, file] : state.files) {
    if (const auto& vector = file.deletion_vector) {
      if (vector->storage_type != 'u' && vector->storage_type != 'i' &&
          vector->storage_type != 'p') {
        return "a deletion vector is stored in a way Mortar does not read (storage type " +
               std::string(1, vector->storage_type) + ")";
      }
      if (vector->storage_type == 'p' && !StaysInTable(vector->path_in_table)) {
        return "a deletion vector lies outside the table (" + vector->path_in_table + ")";
      }
      if (vector->size_in_bytes < 0 || vector->size_in_bytes > kMaxDeletionVectorBytes ||
          vector->cardinality < 0 || vector->offset.value_or(0) < 0 ||
          vector->offset.value_or(0) > kMaxDeletionVectorOffset) {
        return "a deletion vector is described in a way Mortar does not read (size " +
               std::to_string(vector->size_in_bytes) + ")";
      }
    }
  }
  for (const auto& [key, file] : state.files) {
    if (!StaysInTable(key.first)) return "a data file lies outside the table (" + key.first + ")";
  }
  return "";
}

// The log's files by what they are, as listed.
struct LogListing {
  std::map<int64_t, std::string> commits;
  // version -> (parts expected, part names by number); a single file is 1 of 1.
  std::map<int64_t, std::pair<int, std::map<int, std::string>>> checkpoints;
  std::optional<int64_t> checkpoint;  // the latest complete one
};

LogListing Classify(const std::vector<std::string>& names) {
  static const std::regex kCommit(R"(^(\d{20})\.json$)");
  static const std::regex kSingle(R"(^(\d{20})\.checkpoint\.parquet$)");
  static const std::regex kPart(R"(^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$)");
  static const std::regex kUuidNamed(
      R"(^(\d{20})\.checkpoint\.[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\.(json|parquet)$)");
  // Digits as a number; a version past int64 is no file of a Delta log.
  auto number = [](const std::ssub_match& digits) -> std::optional<int64_t> {
    const std::string text = digits.str();
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
  };
  LogListing listing;
  for (const auto& name : names) {
    std::smatch match;
    if (std::regex_match(name, match, kCommit)) {
      if (auto version = number(match[1])) listing.commits[*version] = name;
    } else if (std::regex_match(name, match, kSingle) ||
               std::regex_match(name, match, kUuidNamed)) {
      if (auto version = number(match[1])) listing.checkpoints[*version] = {1, {{1, name}}};
    } else if (std::regex_match(name, match, kPart)) {
      auto version = number(match[1]), part = number(match[2]), parts = number(match[3]);
      if (!version || !part || !parts || *parts > INT32_MAX || *part > INT32_MAX) continue;
      auto& entry = listing.checkpoints[*version];
      entry.first = static_cast<int>(*parts);
      entry.second[static_cast<int>(*part)] = name;
    }
  }
  for (auto it = listing.checkpoints.rbegin(); it != listing.checkpoints.rend(); ++it) {
    if (static_cast<int>(it->second.second.size()) == it->second.first) {
      listing.checkpoint = it->first;
      break;
    }
  }
  return listing;
}

// The version `_last_checkpoint` names ({"version": N, ...}), if it names one.
std::optional<int64_t> HintedCheckpoint(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  Json hint = Json::parse(*text, nullptr, false);
  if (!hint.is_object() || !Member(hint, "version").is_number_integer()) return std::nullopt;
  int64_t version = Member(hint, "version").get<int64_t>();
  return version >= 0 ? std::optional<int64_t>(version) : std::nullopt;
}

// The log's files from the checkpoint `_last_checkpoint` names, as Delta's readers list
// them: a long-lived table's log holds thousands of commits before it, each a listed
// name. A hint that leads nowhere (its checkpoint gone or in missing parts) is set
// aside and the whole log listed.
Result<LogListing> ListLog(DeltaLogFiles& log) {
  if (auto version = HintedCheckpoint(log.LastCheckpoint())) {
    std::string digits = std::to_string(*version);  // at most 19: int64
    MORTAR_ASSIGN_OR_RETURN(auto names, log.List(std::string(20 - digits.size(), '0') + digits));
    LogListing listing = Classify(names);
    if (listing.checkpoint) return listing;
  }
  MORTAR_ASSIGN_OR_RETURN(auto names, log.List(""));
  return Classify(names);
}

}  // namespace

Result<std::shared_ptr<arrow::io::RandomAccessFile>> DeltaLogFiles::Open(const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(std::string bytes, Read(name));
  std::shared_ptr<arrow::io::RandomAccessFile> file =
      std::make_shared<arrow::io::BufferReader>(arrow::Buffer::FromString(std::move(bytes)));
  return file;
}

Result<DeltaSnapshot> ReadDeltaSnapshot(DeltaLogFiles& log, std::string_view table_location) {
  MORTAR_ASSIGN_OR_RETURN(LogListing listing, ListLog(log));
  const auto& commits = listing.commits;
  auto& checkpoints = listing.checkpoints;
  const std::optional<int64_t> checkpoint = listing.checkpoint;
  if (commits.empty() && checkpoints.empty()) {
    return Status::NotFound("no Delta log: _delta_log/ has no commit and no checkpoint");
  }
  int64_t latest = std::max(commits.empty() ? -1 : commits.rbegin()->first,
                            checkpoints.empty() ? -1 : checkpoints.rbegin()->first);
  LogState state;
  state.table_location = table_location;
  int64_t first_commit = 0;
  if (checkpoint) {
    for (const auto& [part, name] : checkpoints[*checkpoint].second) {
      if (name.ends_with(".json")) {
        MORTAR_ASSIGN_OR_RETURN(std::string text, log.Read(name));
        MORTAR_RETURN_IF_ERROR(ApplyCommit(state, name, text));
      } else {
        MORTAR_ASSIGN_OR_RETURN(auto file, log.Open(name));
        MORTAR_RETURN_IF_ERROR(ApplyCheckpoint(state, name, std::move(file)));
      }
    }
    MORTAR_RETURN_IF_ERROR(ApplySidecars(state, log));
    first_commit = *checkpoint + 1;
  }
  std::vector<std::string> upcoming;
  for (auto commit = commits.lower_bound(first_commit); commit != commits.end(); ++commit) {
    upcoming.push_back(commit->second);
  }
  log.WillRead(upcoming);
  for (int64_t version = first_commit; version <= latest; ++version) {
    auto found = commits.find(version);
    if (found == commits.end()) {
      return Status::Invalid("the Delta log misses commit " + std::to_string(version) +
                             " (before " + std::to_string(latest) + ")");
    }
    MORTAR_ASSIGN_OR_RETURN(std::string text, log.Read(found->second));
    MORTAR_RETURN_IF_ERROR(ApplyCommit(state, found->second, text));
  }
  if (!Member(state.metadata, "schemaString").is_string()) {
    return Status::Invalid("the Delta log has no table metadata (metaData.schemaString)");
  }
  DeltaSnapshot snapshot;
  snapshot.version = latest;
  snapshot.schema_string = Member(state.metadata, "schemaString").get<std::string>();
  const std::string mode = MappingModeName(state);
  snapshot.unreadable = Unreadable(state, mode);
  if (mode == "name") {
    snapshot.column_mapping = ColumnMappingMode::kName;
  } else if (mode == "id") {
    snapshot.column_mapping = ColumnMappingMode::kId;
  }
  if (auto columns = state.metadata.find("partitionColumns");
      columns != state.metadata.end() && columns->is_array()) {
    for (const auto& column : *columns) {
      if (column.is_string()) snapshot.partition_columns.push_back(column.get<std::string>());
    }
  }
  snapshot.files.reserve(state.files.size());
  for (auto& [key, file] : state.files) snapshot.files.push_back(std::move(file));
  return snapshot;
}

}  // namespace mortar::databricks
