// mortar sql: a query on a connection, its rows printed.
#include <nlohmann/json.hpp>

#include "cli/invocation.h"
#include "cli/table_printer.h"
#include "mortar/flow/context.h"
#include "mortar/security/permissions.h"

namespace mortar::cli {

Status SqlVerb(Invocation& in) {
  MORTAR_RETURN_IF_ERROR(in.args.CheckOptions({"limit"}));
  MORTAR_ASSIGN_OR_RETURN(std::string name, Word(in, 1, "connection name"));
  MORTAR_ASSIGN_OR_RETURN(std::string query, Word(in, 2, "query"));
  MORTAR_RETURN_IF_ERROR(ExpectWords(in, 3));
  MORTAR_ASSIGN_OR_RETURN(int64_t limit, in.args.IntegerOption("limit", 100));
  MORTAR_RETURN_IF_ERROR(OpenContext(in));
  MORTAR_RETURN_IF_ERROR(
      in.context->RequireConnectionRight(name, security::ConnectionRight::kFreeSql));
  MORTAR_ASSIGN_OR_RETURN(Connection * connection, in.context->GetConnection(name));
  SqlConnection* sql = connection->AsSql();
  if (sql == nullptr)
    return Status::Invalid("connection '" + name + "' is of type '" + connection->type() +
                           "', which runs no SQL");
  MORTAR_ASSIGN_OR_RETURN(auto reader, sql->Query(query));
  return PrintRows(in.out, *LimitRows(std::move(reader), limit), in.json);
}

}  // namespace mortar::cli
