// The dataset types of every SQL connection: a table, or a query for reading.
#pragma once

#include "mortar/connectors/connection_type.h"

namespace mortar::sqldata {

std::unique_ptr<DatasetType> MakeSqlTableDatasetType();
std::unique_ptr<DatasetType> MakeSqlQueryDatasetType();

}  // namespace mortar::sqldata
