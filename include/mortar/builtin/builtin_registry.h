// Everything Mortar ships, in one registry: the top of the layers (docs/architecture.md),
// the only module that knows every connector and recipe. Commands build it once and
// share it with every context they open.
#pragma once

#include <memory>

#include "mortar/recipes/registry.h"

namespace mortar {

std::shared_ptr<const Registry> BuiltinRegistry();

}  // namespace mortar
