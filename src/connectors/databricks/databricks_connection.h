// The Databricks connection: a SQL warehouse (or cluster) reached with Mortar's own
// Thrift-over-HTTP driver. Also speaks to the open-source Spark Thrift server.
#pragma once

#include "mortar/connectors/connection_type.h"

namespace mortar::databricks {

std::unique_ptr<ConnectionType> MakeDatabricksConnectionType();

}  // namespace mortar::databricks
