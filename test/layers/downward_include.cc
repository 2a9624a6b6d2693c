// Compiles: a connector includes its own headers and those of the modules below it.
#include "connectors/sqlite/scratch_database.h"
#include "connectors/staging_table_name.h"
#include "mortar/auth/token_source.h"
#include "mortar/core/status.h"
