#pragma once
// Cross-document checks: one name in two documents unless both pin (different) uuids; one uuid
// pinned twice; one phone number bound to two agents' call channel.
#include <vector>

#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/diagnostics.hpp"

namespace reconcile {

// Appends the errors to `diagnostics`, those it adds sorted by file, line and column.
void check_duplicate_agents(const std::vector<DesiredAgent>& agents, Diagnostics& diagnostics);

}  // namespace reconcile
