// The join recipe's local engine (join_engine.cc): a hash join that holds the joined
// input in memory and streams the first, with the bound on what it may hold.
#pragma once

#include <cstdint>
#include <memory>

#include "recipes/visual_recipe.h"

namespace mortar::recipes {

struct JoinBounds {
  // Bytes of the joined (second) input held in memory; beyond it, the recipe runs on
  // the scratch database.
  int64_t held_bytes = int64_t{256} << 20;
  // Rows in each output batch (more when one input row matches more).
  int64_t batch_rows = int64_t{1} << 16;
};

std::unique_ptr<Engine> MakeLocalJoinEngine(std::shared_ptr<const VisualRecipe> join,
                                            JoinBounds bounds = {});

}  // namespace mortar::recipes
