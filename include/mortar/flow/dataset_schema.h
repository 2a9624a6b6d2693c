// A dataset's recorded schema, as the studio's schema editor and the Python API's
// write_schema/detect_schema change it.
#pragma once

#include <string>

#include "mortar/core/result.h"
#include "mortar/core/schema.h"
#include "mortar/flow/context.h"

namespace mortar {

// The schema as detected from the dataset's data now, whatever is recorded (the read
// role); it reads the data (a sample of files, a table's description).
Result<Schema> DetectDatasetSchema(Context& context, const std::string& dataset);

// Records `schema` as the dataset's (the write role): the types its readers convert to
// and its writers create.
Status RecordDatasetSchema(Context& context, const std::string& dataset, const Schema& schema);

}  // namespace mortar
