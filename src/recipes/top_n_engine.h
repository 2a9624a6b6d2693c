// The top N recipe's streaming local engine (top_n_recipe.cc), with the rows and bytes
// that bound its memory: held before they are cut down to each group's first N, and
// the most that may stay held after a cut (with more, the recipe runs on the scratch
// database instead). Bytes as well as rows: a thousand rows of wide text are not a
// thousand integers.
#pragma once

#include <cstdint>
#include <memory>

#include "recipes/visual_recipe.h"

namespace mortar::recipes {

struct TopNBounds {
  int64_t first_cut = int64_t{1} << 18;
  int64_t most_kept = int64_t{1} << 20;
  int64_t first_cut_bytes = int64_t{64} << 20;
  int64_t most_kept_bytes = int64_t{256} << 20;
};

std::unique_ptr<Engine> MakeLocalTopNEngine(std::shared_ptr<const VisualRecipe> top_n,
                                            TopNBounds bounds = {});

}  // namespace mortar::recipes
