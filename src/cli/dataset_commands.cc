// mortar dataset: list, show, preview, detect, import, create, export.
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/invocation.h"
#include "cli/table_printer.h"
#include "mortar/flow/context.h"
#include "mortar/flow/dataset_import.h"
#include "mortar/flow/flow.h"
#include "mortar/security/permissions.h"

namespace mortar::cli {

using Json = nlohmann::json;

namespace {

// A whole read whose notes (how a table is read) go to the terminal's error stream.
ReadOptions ToTerminal(Invocation& in) {
  ReadOptions options;
  options.log = [&in](const std::string& line) { in.err << line << "\n"; };
  return options;
}

// The CLI's --replace, for ExpectNewDataset.
Status ExpectNewDataset(const Invocation& in, const config::Project& project,
                        const std::string& name) {
  Status status = mortar::ExpectNewDataset(project, name, in.args.Flag("replace"));
  if (status.code() == ErrorCode::kConflict)
    return Status::Conflict("a dataset named '" + name +
                            "' exists; choose another name, or pass --replace to redefine it");
  return status;
}

}  // namespace

Status DatasetVerb(Invocation& in) {
  MORTAR_ASSIGN_OR_RETURN(
      std::string action,
      Word(in, 1, "action (list, show, preview, detect, scan, import, create, export)"));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, in.context->project());
  if (action == "list") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(auto names, project->ListDatasets());
    MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
    Json list = Json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& name : names) {
      MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig config, project->LoadDataset(name));
      std::string producer = flow.ProducerOf(name);
      list.push_back({{"name", name},
                      {"connection", config.connection},
                      {"type", config.type},
                      {"recipe", producer}});
      rows.push_back(
          {name, config.connection, config.type, producer.empty() ? "(source)" : producer});
    }
    if (in.json) {
      PrintJson(in.out, list);
    } else {
      PrintTable(in.out, {"NAME", "CONNECTION", "TYPE", "PRODUCED BY"}, rows);
    }
    return Status::OK();
  }
  if (action == "show" || action == "preview" || action == "detect") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"limit"}));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "dataset name"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, in.context->GetDataset(name));
    if (action == "preview") {
      MORTAR_ASSIGN_OR_RETURN(int64_t limit, in.args.IntegerOption("limit", 20));
      MORTAR_ASSIGN_OR_RETURN(auto reader, dataset->Read(ReadOptions{limit}));
      return PrintRows(in.out, *reader, in.json);
    }
    if (action == "detect") {
      MORTAR_RETURN_IF_ERROR(in.context->RequireProjectRole(security::ProjectRole::kWrite));
      MORTAR_ASSIGN_OR_RETURN(Schema schema, dataset->DetectSchema());
      config::DatasetConfig config = dataset->config();
      config.schema = schema;
      MORTAR_RETURN_IF_ERROR(project->SaveDataset(config));
      if (in.json) {
        PrintJson(in.out, config.ToJson());
      } else {
        in.out << "Schema of " << name << ": " << schema.ToString() << "\n";
      }
      return Status::OK();
    }
    const config::DatasetConfig& config = dataset->config();
    if (in.json) {
      PrintJson(in.out, config.ToJson());
      return Status::OK();
    }
    in.out << "name: " << config.name << "\nconnection: " << config.connection
           << "\ntype: " << config.type << "\n";
    for (const auto& [key, value] : config.params.items()) {
      in.out << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump())
             << "\n";
    }
    if (config.schema) {
      in.out << "schema:\n";
      for (const auto& column : config.schema->columns()) {
        in.out << "  " << column.name << " " << column.type.ToString() << "\n";
      }
    } else {
      in.out << "schema: (not recorded yet; 'mortar dataset detect " << name << "' records it)\n";
    }
    return Status::OK();
  }
  if (action == "scan") {
    // Reads every row and throws it away: a throughput check of the read path.
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "dataset name"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, in.context->GetDataset(name));
    auto start = std::chrono::steady_clock::now();
    MORTAR_ASSIGN_OR_RETURN(auto reader, dataset->Read(ToTerminal(in)));
    int64_t rows = 0;
    while (true) {
      MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
      if (!batch) break;
      rows += batch->num_rows();
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (in.json) {
      PrintJson(in.out, Json{{"dataset", name}, {"rows", rows}, {"seconds", seconds}});
    } else {
      in.out << "Read " << FormatCount(rows) << " rows of " << name << " in " << seconds << " s\n";
    }
    return Status::OK();
  }
  if (action == "import") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"name", "format", "replace"}));
    MORTAR_ASSIGN_OR_RETURN(std::string connection_name, Word(in, 2, "connection name"));
    MORTAR_ASSIGN_OR_RETURN(std::string source, Word(in, 3, "path or table"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 4));
    auto imported = ImportDataset(*in.context,
                                  DatasetImport{connection_name, source, in.args.Option("name"),
                                                in.args.Option("format"), in.args.Flag("replace")});
    if (imported.status().code() == ErrorCode::kConflict)
      return Status::Conflict(imported.status().message() + " (--replace)");
    MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig config, std::move(imported));
    const Schema& schema = *config.schema;
    if (in.json) {
      PrintJson(in.out, config.ToJson());
    } else {
      in.out << "Imported " << source << " as dataset " << config.name << " (" << schema.ToString()
             << ")\n";
    }
    return Status::OK();
  }
  if (action == "create") {
    // A dataset defined, not detected: typically a recipe's output, whose schema the
    // recipe writes when it first runs.
    MORTAR_RETURN_IF_ERROR(
        in.args.CheckOptions({"connection", "path", "format", "table", "param", "replace"}));
    MORTAR_RETURN_IF_ERROR(in.context->RequireProjectRole(security::ProjectRole::kWrite));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "dataset name"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
    MORTAR_RETURN_IF_ERROR(config::ValidateName("dataset", name));
    auto connection_name = in.args.Option("connection");
    if (!connection_name)
      return Status::Invalid("dataset create needs --connection (see 'mortar connection list')");
    MORTAR_ASSIGN_OR_RETURN(Connection * connection, in.context->GetConnection(*connection_name));
    auto path = in.args.Option("path");
    auto table = in.args.Option("table");
    if (connection->AsFiles() != nullptr && (!path || table)) {
      return Status::Invalid("connection '" + *connection_name +
                             "' holds files: give the dataset's --path (a file or folder), "
                             "not --table");
    }
    if (connection->AsFiles() == nullptr && (!table || path)) {
      return Status::Invalid("connection '" + *connection_name +
                             "' holds tables: give the dataset's --table "
                             "([catalog.][schema.]table), not --path");
    }
    Json extra = Json::object();
    for (const auto& param : in.args.Options("param"))
      MORTAR_RETURN_IF_ERROR(SetParam(extra, param));
    MORTAR_RETURN_IF_ERROR(ExpectNewDataset(in, *project, name));
    MORTAR_ASSIGN_OR_RETURN(
        config::DatasetConfig config,
        DefineDataset(*in.context,
                      DatasetImport{*connection_name, path ? *path : *table, name,
                                    in.args.Option("format"), in.args.Flag("replace")},
                      extra));
    if (in.json) {
      PrintJson(in.out, config.ToJson());
    } else {
      in.out << "Created dataset " << name << " on connection " << *connection_name << "\n";
    }
    return Status::OK();
  }
  if (action == "export") {
    MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({}));
    MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 2, "dataset name"));
    MORTAR_ASSIGN_OR_RETURN(std::string file,
                            Word(in, 3, "output file (.csv, .csv.gz or .parquet)"));
    MORTAR_RETURN_IF_ERROR(ExpectWords(in, 4));
    MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, in.context->GetDataset(name));
    std::filesystem::path target = std::filesystem::absolute(file);
    config::ConnectionConfig local{
        "export",       "filesystem", "", Json{{"root", target.parent_path().string()}},
        Json::object(), "export"};
    MORTAR_ASSIGN_OR_RETURN(auto connection, in.context->MakeConnection(local));
    config::DatasetConfig out_config;
    out_config.name = "export";
    out_config.connection = "export";
    out_config.type = "files";
    out_config.params = Json{{"path", target.filename().string()}};
    out_config.file = "export";
    MORTAR_ASSIGN_OR_RETURN(const DatasetType* files,
                            in.context->registry().FindDatasetType("files"));
    MORTAR_ASSIGN_OR_RETURN(auto output, files->Create(out_config, *connection));
    MORTAR_ASSIGN_OR_RETURN(auto reader, dataset->Read(ToTerminal(in)));
    MORTAR_ASSIGN_OR_RETURN(auto writer, output->OpenWriter(reader->schema(), WriteMode::kReplace));
    MORTAR_ASSIGN_OR_RETURN(CopyStats stats, CopyBatches(*reader, *writer, nullptr));
    if (in.json) {
      PrintJson(in.out, Json{{"dataset", name}, {"file", target.string()}, {"rows", stats.rows}});
    } else {
      in.out << "Exported " << stats.rows << " rows of " << name << " to " << target.string()
             << "\n";
    }
    return Status::OK();
  }
  return Status::Invalid("unknown action 'dataset " + action + "' (see 'mortar dataset --help')");
}

}  // namespace mortar::cli
