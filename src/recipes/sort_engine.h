// The sort recipe's local engine (sort_recipe.cc), an external merge sort of the
// input's batches, with the bounds that cap its memory; and the sort keys it and the
// window recipe's local engine order rows by.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "recipes/external_sort.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

std::unique_ptr<Engine> MakeLocalSortEngine(std::shared_ptr<const VisualRecipe> sort,
                                            SortBounds bounds = {});

// The run's input (read by `reader`, which it closes) through an external sort by
// `keys`, its spill files beside the job's log; the rows in order.
Result<std::unique_ptr<SortedBatches>> SortInput(RecipeRun& run,
                                                 std::unique_ptr<BatchReader> reader,
                                                 std::vector<SortKeyColumn> keys,
                                                 SortBounds bounds);

// The keys for `order` over `schema`'s columns (names matched as FindColumn does;
// an unknown one is an error on `params`'s `key`); nullopt when a column cannot be
// sorted by in memory (a nested value), for the engine to use the scratch database.
Result<std::optional<std::vector<SortKeyColumn>>> SortKeysFor(const config::ConfigObject& params,
                                                              const std::string& key,
                                                              const std::vector<OrderItem>& order,
                                                              const Schema& schema);

}  // namespace mortar::recipes
