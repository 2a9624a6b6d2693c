// Charts defined from outside (the studio's chart builder): drawn before they are
// saved, and saved as <project>/charts/<name>.json.
#pragma once

#include <filesystem>

#include "mortar/charts/chart.h"
#include "mortar/flow/context.h"

namespace mortar::charts {

// The chart as it would be saved, computed on its engine (the read role, and the use
// of the dataset's connection, as for a saved chart). Nothing is saved.
Result<std::pair<ChartSpec, ChartData>> PreviewChart(Context& context,
                                                     const config::Json& definition,
                                                     const std::filesystem::path& scratch_folder);

// Checks the chart (its fields, its name, its dataset) and saves it atomically (the
// write role). A chart of the same name is a conflict unless it is to be replaced.
Result<ChartSpec> SaveChart(Context& context, const config::Json& definition, bool replace);

}  // namespace mortar::charts
