// What the Databricks connection needs from a driver: queries, statements and the
// metadata calls. Two drivers implement it: Mortar's built-in Thrift driver (Session)
// and a user-provided ODBC driver (OdbcBackend). Internal to the connector. Not
// thread-safe: one per connection.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "mortar/connectors/connection.h"

namespace mortar::databricks {

// The parameters every session Mortar opens on Databricks sets, whatever the warehouse's
// admin chose: timestamps render in UTC in text results (so they read back as the same
// instants), and SQL whose answer depends on the session's zone (hour(ts), a chart's
// date bins) gives what the other engines give.
inline std::map<std::string, std::string> DatabricksSessionParameters() {
  return {{"timezone", "UTC"}};
}

class Backend {
 public:
  virtual ~Backend() = default;

  // Runs a query and streams its rows; `declared` (the same columns with exact types)
  // overrides the types the driver reports.
  virtual Result<std::unique_ptr<BatchReader>> Query(
      const std::string& sql, const std::optional<Schema>& declared = std::nullopt) = 0;
  virtual Status Execute(const std::string& sql) = 0;
  // Rows with TABLE_CAT.
  virtual Result<std::unique_ptr<BatchReader>> Catalogs() = 0;
  // Rows with TABLE_SCHEM (and TABLE_CATALOG).
  virtual Result<std::unique_ptr<BatchReader>> Schemas(const std::string& catalog) = 0;
  // Rows with TABLE_CAT, TABLE_SCHEM and TABLE_NAME.
  virtual Result<std::unique_ptr<BatchReader>> Tables(const std::string& catalog,
                                                      const std::string& schema) = 0;
  // Rows with TABLE_SCHEM, TABLE_NAME, COLUMN_NAME and TYPE_NAME.
  virtual Result<std::unique_ptr<BatchReader>> Columns(const std::string& catalog,
                                                       const std::string& schema,
                                                       const std::string& table) = 0;
  // True when the metadata calls see every table's columns and results carry exact
  // types (Databricks); false for the open-source Spark Thrift server.
  virtual bool ExactMetadata() const = 0;
  // Lines for `connection test`: server, protocol, driver.
  virtual TestReport Describe() const = 0;
};

}  // namespace mortar::databricks
