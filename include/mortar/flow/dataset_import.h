// Datasets made from what a connection holds, as the CLI's `dataset import` and the
// studio's import do: a file or folder of a files connection, or a table of a SQL
// connection, with its schema detected from the data.
#pragma once

#include <optional>
#include <string>

#include "mortar/config/model.h"
#include "mortar/core/result.h"
#include "mortar/flow/context.h"

namespace mortar {

// The params of a sql_table dataset from catalog.schema.table, schema.table or table.
Result<config::Json> TableParams(const std::string& name);

// A conflict when the project has a dataset of that name, unless it is to be replaced.
Status ExpectNewDataset(const config::Project& project, const std::string& name, bool replace);

struct DatasetImport {
  std::string connection;
  std::string source;                 // a path (files connections) or a table name
  std::optional<std::string> name;    // else the file's stem or the table's name
  std::optional<std::string> format;  // files only: else from the file's extension
  bool replace = false;
};

// Defines the dataset in the context's project (the write role) and records the schema
// detected from its data; nothing is saved when the source cannot be read.
Result<config::DatasetConfig> ImportDataset(Context& context, const DatasetImport& import);

// Defines a dataset that need not exist yet, typically a recipe's output, whose schema
// the recipe writes when it first runs (the write role). `extra_params` are merged into
// its params; they are checked by opening it, and nothing is read.
Result<config::DatasetConfig> DefineDataset(
    Context& context, const DatasetImport& definition,
    const config::Json& extra_params = config::Json::object());

// Changes where an existing dataset's data is (the write role, and use of the
// connection): its connection and params, replaced whole and checked by opening it. Its
// type follows the connection (files, or a table; a SQL query stays one). The recorded
// schema stays while the connection and params are unchanged; otherwise it goes (the data
// is detected again when read, or its recipe writes it).
Result<config::DatasetConfig> RedefineDataset(Context& context, const std::string& name,
                                              const std::string& connection,
                                              const config::Json& params);

}  // namespace mortar
