// The window recipe's local engine (window_engine.cc): an external sort by partition
// and order, then one streaming pass; the bounds cap the sort's memory.
#pragma once

#include <memory>

#include "recipes/external_sort.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

std::unique_ptr<Engine> MakeLocalWindowEngine(std::shared_ptr<const VisualRecipe> window,
                                              SortBounds bounds = {});

}  // namespace mortar::recipes
