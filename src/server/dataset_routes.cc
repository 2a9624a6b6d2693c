#include "mortar/charts/column_statistics.h"
#include "mortar/core/cell_text.h"
#include "mortar/flow/dataset_import.h"
#include "mortar/flow/dataset_schema.h"
#include "mortar/flow/flow.h"
#include "server/api_routes.h"

namespace mortar::server {

namespace {

constexpr const char* kDataset = R"(/api/datasets/([A-Za-z0-9_-]+))";
// A page of rows is read from the start of the dataset; deeper pages than this are
// for an export, not a preview.
constexpr int64_t kDeepestOffset = 10'000'000;
constexpr int64_t kLargestPage = 1000;

Json ColumnsJson(const Schema& schema) {
  Json columns = Json::array();
  for (const auto& column : schema.columns())
    columns.push_back({{"name", column.name}, {"type", column.type.ToString()}});
  return columns;
}

// The dataset's settings, the recipe that makes it, its recorded schema and the
// schema its data has now.
Result<Json> DatasetInfo(Context& context, const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
  MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, context.GetDataset(name));
  const config::DatasetConfig& config = dataset->config();
  Json info{{"name", config.name},
            {"connection", config.connection},
            {"type", config.type},
            {"params", config.params},
            {"recipe", flow.ProducerOf(name)}};
  info["recorded_schema"] = config.schema ? ColumnsJson(*config.schema) : Json();
  MORTAR_ASSIGN_OR_RETURN(bool exists, dataset->Exists());
  info["exists"] = exists;
  if (exists) {
    MORTAR_ASSIGN_OR_RETURN(Schema schema, dataset->schema());
    info["columns"] = ColumnsJson(schema);
  } else {
    info["columns"] = Json();
  }
  return info;
}

// What a page of rows shows of a cell (then "…"), and at most in all.
constexpr std::size_t kLongestPreviewCell = 4096;
constexpr std::size_t kMostPageBytes = 32u << 20;

// Rows [offset, offset + limit) as display text (null as null), and whether more follow.
Result<Json> DatasetRows(Context& context, const std::string& name, int64_t offset, int64_t limit) {
  MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, context.GetDataset(name));
  MORTAR_ASSIGN_OR_RETURN(auto reader, dataset->Read(ReadOptions{offset + limit + 1}));
  Json rows = Json::array();
  std::size_t page_bytes = 0;
  int64_t seen = 0;
  bool more = false;
  while (!more) {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
    if (!batch) break;
    for (int64_t row = 0; row < batch->num_rows(); ++row, ++seen) {
      if (seen < offset) continue;
      if (seen >= offset + limit) {
        more = true;
        break;
      }
      Json values = Json::array();
      for (int column = 0; column < batch->num_columns(); ++column) {
        const auto& array = *batch->column(column);
        if (array.IsNull(row)) {
          values.push_back(Json());
          continue;
        }
        std::string text = CellToPreviewText(array, row, kLongestPreviewCell);
        page_bytes += text.size();
        if (page_bytes > kMostPageBytes) {
          return Status::Invalid("rows from " + std::to_string(offset) + " are more than " +
                                 std::to_string(kMostPageBytes >> 20) +
                                 " MiB of text: ask for fewer (limit)");
        }
        values.push_back(std::move(text));
      }
      rows.push_back(std::move(values));
    }
  }
  return Json{{"columns", ColumnsJson(reader->schema())},
              {"rows", rows},
              {"offset", offset},
              {"more", more}};
}

// POST /api/datasets's body: {"connection", "source", "name", "format", "replace"}.
Result<DatasetImport> ParseImport(const Json& body) {
  DatasetImport import;
  auto text = [&body](const char* key) -> Result<std::optional<std::string>> {
    if (!body.contains(key) || body[key].is_null()) return std::optional<std::string>();
    if (!body[key].is_string()) return Status::Invalid(std::string(key) + " is text");
    return std::optional<std::string>(body[key].get<std::string>());
  };
  MORTAR_ASSIGN_OR_RETURN(auto connection, text("connection"));
  MORTAR_ASSIGN_OR_RETURN(auto source, text("source"));
  if (!connection || !source)
    return Status::Invalid(
        "expected {\"connection\", \"source\": a path or [catalog.][schema.]table, \"name\"}");
  import.connection = *connection;
  import.source = *source;
  MORTAR_ASSIGN_OR_RETURN(import.name, text("name"));
  MORTAR_ASSIGN_OR_RETURN(import.format, text("format"));
  if (import.name && import.name->empty()) import.name.reset();
  if (import.format && import.format->empty()) import.format.reset();
  if (body.contains("replace")) {
    if (!body["replace"].is_boolean()) return Status::Invalid("replace is true or false");
    import.replace = body["replace"].get<bool>();
  }
  return import;
}

}  // namespace

void AddDatasetRoutes(RouteTable& http, RouteContext& routes) {
  http.Post("/api/datasets", routes.Api([&routes](const httplib::Request& request,
                                                  const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
    MORTAR_ASSIGN_OR_RETURN(DatasetImport import, ParseImport(body));
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
    // "define": true makes a dataset that need not exist yet (a recipe's output).
    bool define = body.value("define", false);
    MORTAR_ASSIGN_OR_RETURN(config::DatasetConfig config, define ? DefineDataset(*context, import)
                                                                 : ImportDataset(*context, import));
    return DatasetInfo(*context, config.name);
  }));
  http.Get(kDataset, routes.Api([&routes](const httplib::Request& request,
                                          const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
    return DatasetInfo(*context, request.matches[1]);
  }));
  http.Get(
      std::string(kDataset) + "/rows",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(int64_t offset,
                                BoundedIntegerParam(request, "offset", 0, 0, kDeepestOffset));
        MORTAR_ASSIGN_OR_RETURN(int64_t limit,
                                BoundedIntegerParam(request, "limit", 100, 1, kLargestPage));
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
        return DatasetRows(*context, request.matches[1], offset, limit);
      }));
  // The schema as the data has it now, to suggest types (nothing recorded).
  // Where the dataset's data is: its connection and params, replaced whole.
  http.Put(
      std::string(kDataset) + "/settings",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
        if (!body.value("connection", Json()).is_string() ||
            !body.value("params", Json()).is_object())
          return Status::Invalid("expected {\"connection\": NAME, \"params\": {...}}");
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
        const std::string name = request.matches[1];
        MORTAR_RETURN_IF_ERROR(
            RedefineDataset(*context, name, body["connection"].get<std::string>(), body["params"])
                .status());
        return DatasetInfo(*context, name);
      }));
  http.Get(
      std::string(kDataset) + "/detected-schema",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
        MORTAR_ASSIGN_OR_RETURN(Schema schema, DetectDatasetSchema(*context, request.matches[1]));
        return Json{{"columns", ColumnsJson(schema)}};
      }));
  // Records the schema: {"columns": [{"name", "type"}]} (the write role).
  http.Put(
      std::string(kDataset) + "/schema",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
        config::ConfigObject object(body, "the request");
        MORTAR_RETURN_IF_ERROR(object.CheckObject({"columns"}));
        MORTAR_ASSIGN_OR_RETURN(Schema schema, config::SchemaFromJson(object, "columns"));
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
        MORTAR_RETURN_IF_ERROR(RecordDatasetSchema(*context, request.matches[1], schema));
        return DatasetInfo(*context, request.matches[1]);
      }));
  http.Get(
      std::string(kDataset) + "/statistics",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
        MORTAR_ASSIGN_OR_RETURN(charts::DatasetStatistics statistics,
                                charts::ComputeStatistics(*context, request.matches[1],
                                                          std::filesystem::temp_directory_path()));
        return charts::StatisticsJson(statistics);
      }));
}

}  // namespace mortar::server
