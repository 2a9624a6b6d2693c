#include "mortar/core/cell_text.h"
#include "mortar/security/permissions.h"
#include "server/api_routes.h"

namespace mortar::server {

namespace {

constexpr int64_t kMostRows = 1000;                 // as a page of a dataset
constexpr std::size_t kMostReplyBytes = 16u << 20;  // of cell text

// The query's first `limit` rows (100 by default, at most 1,000), each cell as text, in
// one reply of at most 16 MiB of text: a larger one is refused, not cut short.
Result<Json> RunSql(RouteContext& routes, const httplib::Request& request, const Caller& caller) {
  MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
  std::string name = body.value("connection", "");
  std::string query = body.value("query", "");
  int64_t limit = body.value("limit", int64_t{100});
  if (name.empty() || query.empty()) return Status::Invalid("expected {\"connection\", \"query\"}");
  if (limit < 1 || limit > kMostRows) {
    return Status::Invalid("limit must be from 1 to " + std::to_string(kMostRows) +
                           "; read more rows through a dataset or the data API");
  }
  MORTAR_ASSIGN_OR_RETURN(auto context, routes.ContextFor(caller.user));
  MORTAR_RETURN_IF_ERROR(
      context->RequireConnectionRight(name, security::ConnectionRight::kFreeSql));
  MORTAR_ASSIGN_OR_RETURN(Connection * connection, context->GetConnection(name));
  SqlConnection* sql = connection->AsSql();
  if (sql == nullptr) return Status::Invalid("connection '" + name + "' runs no SQL");
  MORTAR_ASSIGN_OR_RETURN(auto reader, sql->Query(query));
  Json columns = Json::array();
  for (const auto& column : reader->schema().columns()) columns.push_back(column.name);
  Json rows = Json::array();
  std::size_t bytes = 0;
  while (static_cast<int64_t>(rows.size()) < limit) {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
    if (!batch) break;
    for (int64_t row = 0; row < batch->num_rows() && static_cast<int64_t>(rows.size()) < limit;
         ++row) {
      Json values = Json::array();
      for (int column = 0; column < batch->num_columns(); ++column) {
        const auto& array = *batch->column(column);
        if (array.IsNull(row)) {
          values.push_back(Json());
          continue;
        }
        std::string text = CellToText(array, row);
        bytes += text.size();
        if (bytes > kMostReplyBytes) {
          return Status::Invalid("the first " + std::to_string(rows.size() + 1) +
                                 " rows are more than " + std::to_string(kMostReplyBytes >> 20) +
                                 " MiB as text; select fewer rows or columns, or shorter values");
        }
        values.push_back(std::move(text));
      }
      rows.push_back(std::move(values));
    }
  }
  return Json{{"columns", columns}, {"rows", rows}};
}

}  // namespace

void AddSqlRoute(RouteTable& http, RouteContext& routes) {
  http.Post("/api/sql",
            routes.Api([&routes](const httplib::Request& request, const Caller& caller) {
              return RunSql(routes, request, caller);
            }));
}

}  // namespace mortar::server
